/**
 * Sources cited by the expectation tables, named once so every table cites
 * them the same way.
 *
 * @module
 */

/** Sources, by short name. */
export const SOURCES = {
  seed: "shared/seed.txt (the puzzle and its answer: trace and outputs)",
  readZero:
    "recv(2): a stream socket whose peer performed an orderly shutdown reads 0",
  pollRdhup:
    "poll(2): POLLRDHUP (Linux >= 2.6.17): peer closed or shut down writing half; net/ipv4/tcp.c tcp_poll()",
  states:
    "RFC 9293 §3.3.2 state diagram: FIN received -> CLOSE_WAIT; FIN ACKed -> FIN_WAIT2",
  abortOnData:
    "RFC 1122 §4.2.2.13 (data after CLOSE -> RST); net/ipv4/tcp_input.c tcp_rcv_state_process(): TCPAbortOnData",
  rstInCloseWait:
    "net/ipv4/tcp_input.c tcp_reset(): an RST in CLOSE_WAIT sets sk_err = EPIPE",
  writeEpipe:
    "write(2): EPIPE when the reading end is closed; SIGPIPE unless ignored or MSG_NOSIGNAL",
  sigpipe: "signal(7): SIGPIPE default action terminates the process",
  denoBrokenPipe:
    "denoland/deno_error src/lib.rs: io::ErrorKind::BrokenPipe -> class BrokenPipe, code from raw_os_error (EPIPE)",
  denoReadNull:
    "denoland/deno ext/net/01_net.js: read() returns null when nread === 0",
  lingerZero:
    "socket(7) SO_LINGER: linger on with timeout 0 -> close() aborts the connection (RST), net/ipv4/tcp.c __tcp_close()",
  shutdown:
    "shutdown(2): SHUT_WR disallows further transmissions; the peer still receives (FIN only)",
} as const;
