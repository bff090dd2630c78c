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
  resetBound:
    "lib/timing.ts: 1000 x the handshake round trip measured in the same run (an RST that waits for a timer or an exit falls outside)",
  pipeEpipe:
    "pipe(7): a write with no reader raises SIGPIPE, or fails with EPIPE if SIGPIPE is ignored; POSIX write()",
  unixEpipe:
    "net/unix/af_unix.c unix_stream_sendmsg(): peer shut down -> SIGPIPE + EPIPE; POSIX send() EPIPE: no longer connected",
  tcpDone:
    "net/ipv4/tcp.c tcp_done(): TCP_CLOSE, the socket leaves the connection table",
  denoCloseWrite:
    "Deno.Conn.closeWrite(): shutdown(SHUT_WR), resolves with no value (lib.deno_net.d.ts)",
  sendShutdownEpipe:
    "POSIX send(): EPIPE when the socket is shut down for writing; net/ipv4/tcp.c tcp_sendmsg_locked(): SEND_SHUTDOWN -> -EPIPE",
  rstEstablished:
    "net/ipv4/tcp_input.c tcp_reset(): an RST in ESTABLISHED sets sk_err = ECONNRESET; RFC 9293 §3.10.7.4",
  errorOnce:
    "sock_error(): a pending socket error is reported once, then the dead socket reads 0 / writes EPIPE (SEND_SHUTDOWN)",
  denoReset:
    "denoland/deno_error src/lib.rs: io::ErrorKind::ConnectionReset -> class ConnectionReset, code ECONNRESET",
  rstKeepsData:
    "net/ipv4/tcp.c tcp_recvmsg_locked(): queued data is copied before sk_err is reported; tcp_reset() purges only the write queue",
  denoSigpipe:
    "Deno ignores SIGPIPE (Rust runtime; denoland/deno libs/print/lib.rs): EPIPE surfaces as BrokenPipe and the process lives on",
  closeUnread:
    "RFC 2525 §2.17 / RFC 1122 §4.2.2.13: close() with unread data sends RST; net/ipv4/tcp.c __tcp_close() data_was_unread -> TCPAbortOnClose",
  denoCloseShutsDown:
    "Deno 2.9 conn.close() calls shutdown(fd, SHUT_WR) before close(fd) (seen with strace): a FIN precedes the RST, the peer reads EOF instead of ECONNRESET; no upstream issue filed yet (close path changed with denoland/deno#35294)",
  pollRace:
    "net/ipv4/tcp_input.c tcp_reset(): sk_error_report() wakes pollers before tcp_done() sets TCP_CLOSE and SHUTDOWN_MASK, so a poller on another CPU may see POLLERR alone; a 500-run soak failed this step once, the value not kept",
  connectRefused:
    "connect(2) ECONNREFUSED: no-one listening on the remote address; net/ipv4/tcp_input.c tcp_reset(): an RST in SYN_SENT sets sk_err = ECONNREFUSED; gVisor test/syscalls/linux/tcp_socket.cc BlockingConnectRefused",
  connectInProgress:
    "connect(2) EINPROGRESS: non-blocking socket, connection not completed immediately; net/ipv4/af_inet.c __inet_stream_connect(): SYN_SENT and no wait -> -EINPROGRESS",
  soErrorOnce:
    "socket(7) SO_ERROR: get and clear the pending socket error (net/core/sock.c sock_getsockopt() -> sock_error(), an xchg with 0)",
  connectAgainAborted:
    "net/ipv4/af_inet.c __inet_stream_connect(): sock->state still SS_CONNECTING and sk_state TCP_CLOSE -> sock_error() ?: -ECONNABORTED; gVisor tcp_socket.cc NonBlockingConnectRefused (shared/notes/teardown-catalog.md)",
  closedReadsZero:
    "net/ipv4/tcp.c tcp_recvmsg_locked(): no data, no pending error and RCV_SHUTDOWN (set by tcp_done()) -> 0; gVisor tcp_socket.cc NonBlockingConnectNoListenerRead",
  pollAfterDone:
    "net/ipv4/tcp.c tcp_poll(): sk_err -> POLLERR; TCP_CLOSE -> POLLHUP; SEND_SHUTDOWN (set by tcp_done()) -> POLLOUT, so a writer wakes to meet its error; in SYN_SENT (a poller woken before tcp_done()) no POLLOUT",
  rstToSyn:
    "RFC 9293 §3.10.7.1: a segment to a CLOSED port without ACK draws <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> (R.); net/ipv4/tcp_ipv4.c tcp_v4_send_reset()",
  denoRefused:
    "denoland/deno_error src/lib.rs: io::ErrorKind::ConnectionRefused -> class ConnectionRefused, code from raw_os_error (ECONNREFUSED)",
} as const;
