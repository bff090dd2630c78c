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
    "Deno conn.close() calls shutdown(fd, SHUT_WR) before close(fd) (strace, Deno 2.8.3 and 2.9.6 alike): dropping tokio's OwnedWriteHalf (tokio/src/net/tcp/split_owned.rs, impl Drop) half-closes, so a FIN precedes the RST and the peer reads EOF instead of ECONNRESET; no upstream report yet, a draft to file: README.md#draft-upstream-report-deno-close-half-closes-first",
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
  listenStop:
    "net/ipv4/inet_connection_sock.c inet_csk_listen_stop(): every child in the accept queue is disconnected (tcp_disconnect() -> tcp_send_active_reset(), sk_err = ECONNRESET); gVisor socket_inet_loopback.cc TestListenHangupConnectingRead",
  backlogZero:
    "include/net/sock.h sk_acceptq_is_full(): full when the queue holds MORE than the backlog, so backlog 0 admits one (commit c609e6aae4ef, 2021-03-31, reverted the >= of f211ac154577 before v5.12 was released); net/ipv4/tcp_input.c tcp_conn_request() drops a SYN when it is full (LISTENOVERFLOWS)",
  listenInfo:
    "net/ipv4/tcp.c tcp_get_info(): for a LISTEN socket tcpi_unacked is the accept queue's length and tcpi_sacked its limit (the backlog)",
  synRetransmit:
    "RFC 6298 §2.1 and include/net/tcp.h TCP_TIMEOUT_INIT (1 s): a dropped SYN is sent again one initial RTO later; to a closed port it draws an RST -> tcp_reset() in SYN_SENT: ECONNREFUSED",
  rstByState:
    'net/ipv4/tcp_input.c tcp_reset(): SYN_SENT -> ECONNREFUSED, CLOSE_WAIT -> EPIPE, CLOSE -> ignored, every other state -> ECONNRESET ("We want the right error as BSD sees it"); unchanged by tcp_done_with_error() (2024); shared/notes/teardown-catalog.md #4, #5',
  finBehindData:
    "RFC 9293 §3.10.4 CLOSE: the FIN follows every queued SEND; net/ipv4/tcp_output.c tcp_send_fin() queues it behind the unsent data, so with the peer's window closed the state stays FIN_WAIT1 (LAST_ACK after CLOSE_WAIT)",
  shortWrite:
    "write(2)/socket(7): a non-blocking write copies what the send buffer (SO_SNDBUF, locked by setting it) takes and returns that count; the peer's closed window keeps the buffer full",
  doneBeforeError:
    "net/ipv4/tcp.c tcp_recvmsg_locked(): SOCK_DONE (set by tcp_fin() when a FIN arrived) is checked before sk_err, so after the peer's FIN a read returns 0 and the RST's error is left for a write (sk_stream_error())",
  linger2Set:
    "net/ipv4/tcp.c do_tcp_setsockopt() TCP_LINGER2: < 0 -> -1, above TCP_FIN_TIMEOUT_MAX/HZ -> clamped, else val*HZ; do_tcp_getsockopt() reads it back in seconds (0 -> the tcp_fin_timeout sysctl)",
  linger2Clamp:
    'commit f0628c524fd1 (Cambda Zhu, 2020, mainline v5.8) "net: Replace the limit of TCP_LINGER2 with TCP_FIN_TIMEOUT_MAX": include/net/tcp.h TCP_FIN_TIMEOUT_MAX (120 * HZ); before it, a value above the tcp_fin_timeout sysctl (default 60) became 0 and read back as that sysctl; backported to stable 4.19.291 and others in 2023, so older releases may show either; gVisor accepts 60 or 120',
  finWait2Orphan:
    "net/ipv4/tcp_input.c tcp_rcv_state_process() FIN_WAIT1 -> FIN_WAIT2 for an orphan: tmo = tcp_fin_time() (TCP_LINGER2, at least 3.5 x RTO) -> tcp_time_wait(sk, TCP_FIN_WAIT2, tmo); the timewait socket shows as FIN_WAIT2 (/proc/net/tcp tw_substate) until tmo, then is freed; gVisor TCPFinWait2Test",
  finWait2Bind:
    "net/ipv4/inet_connection_sock.c inet_csk_bind_conflict(): the timewait socket still owns the port (no SO_REUSEADDR on either side) -> EADDRINUSE; gone, the bind succeeds; gVisor TCPLinger2TimeoutAfterClose",
  linger2Negative:
    "net/ipv4/tcp.c __tcp_close(): in FIN_WAIT2 with TCP_LINGER2 < 0 -> tcp_send_active_reset() (RST|ACK), TCP_CLOSE, LINUX_MIB_TCPABORTONLINGER",
  timeWait:
    "RFC 9293 §3.6: the side that closes first passes through TIME-WAIT, the other goes LAST-ACK -> CLOSED; include/net/tcp.h TCP_TIMEWAIT_LEN (60 s, not tunable); gVisor TCPActiveCloseTimeWaitTest, TCPPassiveCloseNoTimeWait*",
  timeWaitBind:
    "net/ipv4/inet_connection_sock.c inet_csk_bind_conflict(): SO_REUSEADDR avoids a conflict only when both sockets set it (sk->sk_reuse && sk2->sk_reuse); the TIME_WAIT socket keeps the closer's sk_reuse (0 here) -> EADDRINUSE; gVisor TCPActiveCloseTimeWaitReuseTest",
  passiveRebind:
    "the passive closer's socket is freed when its FIN is ACKed (LAST-ACK -> CLOSED, tcp_done()), so nothing holds its address: bind() succeeds",
  lingerNoTimeWait:
    "socket(7) SO_LINGER {1, 0}: close() aborts (RST) and the socket is freed at once, no TIME_WAIT (net/ipv4/tcp.c __tcp_close() -> tcp_disconnect()); its address binds again at once",
  denoAddrInUse:
    "denoland/deno_error src/lib.rs: io::ErrorKind::AddrInUse -> class AddrInUse, code EADDRINUSE",
  lingerWait:
    "socket(7) SO_LINGER: close() blocks until the remaining data is sent or the linger time expires, then returns; net/ipv4/tcp.c __tcp_close() -> sk_stream_wait_close() waits while FIN_WAIT1/CLOSING/LAST_ACK; close() returns 0 even on expiry (__tcp_close() reports nothing)",
  lingerExit:
    "net/ipv4/af_inet.c inet_release(): the linger time applies only if !(current->flags & PF_EXITING): a descriptor closed by exit() does not wait",
  finQueued:
    "the orphan keeps its unsent data and FIN behind the peer's closed window (zero-window probes), so it stays FIN_WAIT1; net/ipv4/tcp_output.c tcp_send_fin()",
  peerResetsOrphan:
    "the peer closes with our data unread: an RST (RFC 2525 §2.17; net/ipv4/tcp.c __tcp_close() data_was_unread) that ends the orphan (tcp_reset() -> tcp_done())",
  shutRd:
    'shutdown(2) SHUT_RD: further receptions disallowed; on TCP Linux sends nothing (net/ipv4/tcp.c tcp_shutdown() acts on SEND_SHUTDOWN only) and still ACKs and queues data in ESTABLISHED (google/packetdrill shutdown/shutdown-rd-wr-close.pkt: "too obscure to slow down the fast path"; gVisor ShutdownRdShouldCauseNoPacketsWithUnreadData, ShutdownRdAllowsReadOfReceivedDataBeforeEOF)',
  shutRdPoll:
    "net/ipv4/tcp.c tcp_poll(): RCV_SHUTDOWN -> POLLIN|POLLRDNORM|POLLRDHUP at once, with or without data",
  shutRdRead:
    "net/ipv4/tcp.c tcp_recvmsg_locked(): queued data is copied first; with none and RCV_SHUTDOWN set, read returns 0",
  unixUnread:
    "net/unix/af_unix.c unix_release_sock(): the peer gets SHUTDOWN_MASK, and sk_err = ECONNRESET if the closing socket had unread data; unix_stream_read_generic() reports sock_error() before EOF; gVisor socket_unix_stream.cc ReadOneSideClosedWithUnreadData (shared/notes/teardown-catalog.md #8)",
  unixPoll:
    "net/unix/af_unix.c unix_poll(): sk_err -> POLLERR; SHUTDOWN_MASK -> POLLHUP; RCV_SHUTDOWN -> POLLIN|POLLRDNORM|POLLRDHUP",
  userTimeout:
    "tcp(7) TCP_USER_TIMEOUT: the longest transmitted data may stay unacknowledged before TCP drops the connection with ETIMEDOUT (RFC 5482); net/ipv4/tcp_timer.c tcp_write_timeout() -> retransmits_timed_out(user_timeout) -> tcp_write_err(): sk_err = sk_err_soft ?: ETIMEDOUT, tcp_done(), no RST; google/packetdrill user_timeout/user-timeout-probe.pkt",
  userTimeoutSet:
    "net/ipv4/tcp.c do_tcp_setsockopt() TCP_USER_TIMEOUT: any value >= 0 in ms is kept as is and read back by getsockopt",
  keepaliveSet:
    "tcp(7): SO_KEEPALIVE on; TCP_KEEPIDLE and TCP_KEEPINTVL 1..32767 s, TCP_KEEPCNT 1..127 (net/ipv4/tcp.c tcp_sock_set_keepidle_locked(), do_tcp_setsockopt()); read back as set",
  keepaliveDead:
    "net/ipv4/tcp_timer.c tcp_keepalive_timer(): after TCP_KEEPIDLE of silence a probe, then one every TCP_KEEPINTVL; when icsk_probes_out >= TCP_KEEPCNT -> tcp_send_active_reset() (an RST to the peer) and tcp_write_err(): ETIMEDOUT; tcp(7)",
  deadPeerRule:
    "lib/netns: the rule drops only segments to our port without SYN, so the handshake completes (SYN, SYN-ACK) and our own segments still reach the peer",
} as const;
