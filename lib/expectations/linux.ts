/**
 * Linux expectations (checked on 6.1, 6.12 and 6.18; no step differs).
 *
 * Each value is what the cited source says the step shows; none is copied
 * from a run. Steps that only set a case up (a write that must succeed, a
 * close that must return 0) are expected too, so a surprise anywhere in the
 * story fails at the step where it happened.
 *
 * @module
 */

import type { Expectation, PlatformTable } from "./types.ts";
import { SOURCES as S } from "./sources.ts";

const ok = (source = "the call succeeds") => ({ expect: "0", source });
const wrote = (n: number) => ({
  expect: String(n),
  source: "write(2) on a healthy socket writes everything",
});
const within = (trigger: string) => ({
  expect: "within bound",
  source: `${trigger}; bound: ${S.resetBound}`,
});

/** Steps of tcp-shutdown-read both layers share. */
const SHUT_RD_COMMON: [string, Expectation][] = [
  ["server shutdown(SHUT_RD)", ok(S.shutRd)],
  ["client write() #1", wrote(5)],
  ["server bytes queued after SHUT_RD", { expect: "5", source: S.shutRd }],
  ["server read() #1", {
    expect: '5 "hello"',
    source: `${S.shutRd}; ${S.shutRdRead}`,
  }],
  ["server read() #2", { expect: "0", source: S.shutRdRead }],
  ["client write() #2", {
    expect: "5",
    source: `${S.shutRd}: the peer's writes keep succeeding`,
  }],
  ["server close() with data unread", ok(S.closeUnread)],
];

/** Linux: case id → layer → step → expectation. */
export const linux: PlatformTable = {
  "pipe-write-after-reader-close": {
    syscall: {
      "write() while the reader is open": wrote(3),
      "reader close()": ok("close(2)"),
      "write() #1 after reader close()": {
        expect: "-1 EPIPE",
        source: S.pipeEpipe,
      },
      "write() #1 after reader close(), SIGPIPE default": {
        expect: "killed by SIGPIPE",
        source: S.pipeEpipe,
      },
    },
    deno: {
      "stdin write() while the child runs": {
        expect: "resolved",
        source: "WritableStream write to a live pipe",
      },
      "child exit": { expect: "exited 0", source: "the helper's exit command" },
      "stdin write() after the child exited": {
        expect: "BrokenPipe EPIPE",
        source: `${S.pipeEpipe}; ${S.denoBrokenPipe}`,
      },
    },
  },

  "unix-write-after-peer-close": {
    syscall: {
      "write() while the peer is open": wrote(3),
      "peer read()": {
        expect: '3 "abc"',
        source: "unix(7) stream socket delivers in order",
      },
      "peer close()": ok("close(2)"),
      "poll()": {
        expect: "POLLIN|POLLHUP|POLLRDHUP",
        source:
          "net/unix/af_unix.c unix_poll(): peer gone sets SHUTDOWN_MASK -> POLLHUP, RCV_SHUTDOWN -> POLLIN|POLLRDHUP",
      },
      "read()": { expect: "0", source: S.readZero },
      "write() #1 after peer close()": {
        expect: "-1 EPIPE",
        source: S.unixEpipe,
      },
      "write() #1 after peer close(), SIGPIPE default": {
        expect: "killed by SIGPIPE",
        source: S.unixEpipe,
      },
    },
    deno: {
      "read()": { expect: "null", source: S.denoReadNull },
      "write() #1 after peer close()": {
        expect: "BrokenPipe EPIPE",
        source: `${S.unixEpipe}; ${S.denoBrokenPipe}`,
      },
    },
  },

  "tcp-write-after-peer-close": {
    syscall: {
      "client close()": ok("close(2)"),
      "server poll()": {
        expect: "POLLIN|POLLRDHUP",
        source: `${S.pollRdhup}; ${S.seed}`,
      },
      "server read()": { expect: "0", source: S.readZero },
      "server state": { expect: "CLOSE_WAIT", source: S.states },
      "client state": { expect: "FIN_WAIT2", source: S.states },
      "server write() #1": { expect: "3", source: S.seed },
      "server poll() after write #1": {
        expect: ["POLLERR|POLLHUP", "POLLERR"],
        source: `${S.abortOnData}; the RST ends the connection; ${S.pollRace}`,
      },
      "RST after write #1": within(S.abortOnData),
      "client state after RST": {
        expect: "absent",
        source: `${S.abortOnData}; ${S.seed} (the third netstat shows nothing)`,
      },
      "server state after RST": { expect: "absent", source: S.tcpDone },
      "server tcp-info after RST": { expect: "CLOSE", source: S.tcpDone },
      "server write() #2": {
        expect: "-1 EPIPE",
        source: `${S.rstInCloseWait}; ${S.writeEpipe}`,
      },
      "server write() #2, SIGPIPE default": {
        expect: "killed by SIGPIPE",
        source: `${S.writeEpipe}; ${S.sigpipe}`,
      },
    },
    deno: {
      "RST after write #1": within(
        `${S.abortOnData}; at the Deno layer the bound is 1000 x the same pair's connect through Deno`,
      ),
      "server read()": { expect: "null", source: S.denoReadNull },
      "server state": { expect: "CLOSE_WAIT", source: S.states },
      "client state": { expect: "FIN_WAIT2", source: S.states },
      "server write() #1": { expect: "3", source: S.seed },
      "client state after write #1": {
        expect: "absent",
        source: S.abortOnData,
      },
      "server write() #2": {
        expect: "BrokenPipe EPIPE",
        source: `${S.denoBrokenPipe}; ${S.rstInCloseWait}`,
      },
    },
    wire: Object.fromEntries(
      ["", " (::1)"].flatMap((over) => [
        [`segments${over}`, {
          expect: "c:S s:S. c:. c:F. s:. s:P.(3) c:R",
          compare: "wire" as const,
          source:
            `${S.seed} (its tcpdump trace: S, S., ., F., ., P., R); ${S.abortOnData}; ` +
            "RFC 9293 §3.5.2 and net/ipv4/tcp_ipv4.c tcp_v4_send_reset(): the RST answers a segment with ACK, so it takes SEQ = SEG.ACK and no ACK bit (R, not R.)",
        }],
        [
          `RST after the server's data${over}`,
          within(`${S.abortOnData}; on the wire: s:P.(3) -> c:R`),
        ],
      ]),
    ),
  },

  "tcp-fin-reads-zero": {
    syscall: Object.fromEntries(
      ["close()", "shutdown(SHUT_WR)"].flatMap((how) => [
        [`peer ${how}`, ok(how === "close()" ? "close(2)" : S.shutdown)],
        [`after peer ${how}: server poll()`, {
          expect: "POLLIN|POLLRDHUP",
          source: S.pollRdhup,
        }],
        [`after peer ${how}: server read() #1`, {
          expect: "0",
          source: S.readZero,
        }],
        [`after peer ${how}: server read() #2`, {
          expect: "0",
          source: `${S.readZero}; EOF is sticky`,
        }],
        [`after peer ${how}: server SO_ERROR`, {
          expect: "0",
          source: "a FIN is no error: socket(7) SO_ERROR stays 0",
        }],
        [`after peer ${how}: server state`, {
          expect: "CLOSE_WAIT",
          source: S.states,
        }],
      ]),
    ),
    deno: Object.fromEntries(["close()", "shutdown(SHUT_WR)"].flatMap((how) => [
      [`after peer ${how}: server read() #1`, {
        expect: "null",
        source: S.denoReadNull,
      }],
      [`after peer ${how}: server read() #2`, {
        expect: "null",
        source: `${S.denoReadNull}; EOF is sticky`,
      }],
      [`after peer ${how}: server state`, {
        expect: "CLOSE_WAIT",
        source: S.states,
      }],
    ])),
  },

  "tcp-half-close-peer-still-receives": {
    syscall: {
      "client shutdown(SHUT_WR)": ok(S.shutdown),
      "server read()": { expect: "0", source: S.readZero },
      "server state": { expect: "CLOSE_WAIT", source: S.states },
      "client state": { expect: "FIN_WAIT2", source: S.states },
      "server write()": { expect: "5", source: `${S.shutdown}; ${S.seed}` },
      "client read()": {
        expect: '5 "hello"',
        source:
          `${S.shutdown}; ${S.seed} ("the client in fact does accept the data")`,
      },
      "client SO_ERROR": {
        expect: "0",
        source: "no RST: the data was accepted and ACKed",
      },
      "client tcp-info after the data": {
        expect: "FIN_WAIT2",
        source: "RFC 9293 §3.10.7.4: FIN-WAIT-2 processes incoming text",
      },
      "server write() again": wrote(5),
      "client read() again": { expect: '5 "world"', source: S.shutdown },
      "server close()": ok("close(2)"),
      "client read() after server close()": { expect: "0", source: S.readZero },
      "server state after both FINs": {
        expect: "absent",
        source: "RFC 9293 §3.6: LAST-ACK -> CLOSED when our FIN is ACKed",
      },
      "client state after both FINs": {
        expect: "TIME_WAIT",
        source: "RFC 9293 §3.6: FIN-WAIT-2 + FIN -> TIME-WAIT",
      },
      "client close()": ok("close(2)"),
    },
    deno: {
      "client closeWrite()": { expect: "resolved", source: S.denoCloseWrite },
      "server read()": { expect: "null", source: S.denoReadNull },
      "server state": { expect: "CLOSE_WAIT", source: S.states },
      "client state": { expect: "FIN_WAIT2", source: S.states },
      "server write()": { expect: "5", source: S.shutdown },
      "client read()": { expect: '5 "hello"', source: S.shutdown },
      "server write() again": wrote(5),
      "client read() again": { expect: '5 "world"', source: S.shutdown },
      "client read() after server close()": {
        expect: "null",
        source: S.denoReadNull,
      },
      "server state after both FINs": {
        expect: "absent",
        source: "RFC 9293 §3.6: LAST-ACK -> CLOSED when our FIN is ACKed",
      },
      "client state after both FINs": {
        expect: "TIME_WAIT",
        source: "RFC 9293 §3.6: FIN-WAIT-2 + FIN -> TIME-WAIT",
      },
    },
    wire: {
      segments: {
        expect: "c:S s:S. c:. c:F. s:. s:P.(5) c:. s:P.(5) c:. s:F. c:.",
        compare: "wire",
        source:
          `${S.shutdown}; RFC 9293 §3.10.7.4: FIN-WAIT-2 processes and ACKs incoming text; ` +
          `${S.seed} ("It is the ACK packet from the client to the server before the reset that is different"); no RST`,
      },
    },
  },

  "tcp-write-after-own-shutdown": {
    syscall: {
      "shutdown(SHUT_WR)": ok(S.shutdown),
      "write() after own shutdown": {
        expect: "-1 EPIPE",
        source: `${S.sendShutdownEpipe}; ${S.seed}`,
      },
      "peer read()": { expect: "0", source: S.readZero },
      "write() after own shutdown, SIGPIPE default": {
        expect: "killed by SIGPIPE",
        source: S.sendShutdownEpipe,
      },
    },
    deno: {
      "closeWrite()": { expect: "resolved", source: S.denoCloseWrite },
      "write() after own closeWrite()": {
        expect: "BrokenPipe EPIPE",
        source:
          `${S.sendShutdownEpipe}; denoland/deno#28383 thread ("closeWrite() followed by write() throws a BrokenPipe error")`,
      },
      "peer read()": { expect: "null", source: S.denoReadNull },
    },
  },

  "tcp-linger-zero-sends-rst": {
    syscall: Object.fromEntries([
      ...["read first", "send first"].flatMap((label) => [
        [`${label}: client SO_LINGER {1, 0}`, ok("setsockopt(2) SO_LINGER")],
        [`${label}: client close()`, ok(S.lingerZero)],
        [`${label}: server poll()`, {
          expect: ["POLLIN|POLLERR|POLLHUP|POLLRDHUP", "POLLERR"],
          source:
            `${S.rstEstablished}; net/ipv4/tcp.c tcp_poll(); ${S.pollRace}`,
        }],
        [`${label}: RST after close()`, within(S.lingerZero)],
      ]),
      ["client state after close()", {
        expect: "absent",
        source: `${S.lingerZero}: no FIN, no TIME_WAIT`,
      }],
      ["server state after RST", { expect: "absent", source: S.tcpDone }],
      ["read first: server read() #1", {
        expect: "-1 ECONNRESET",
        source: `${S.rstEstablished}; ${S.seed}`,
      }],
      ["read first: server read() #2", { expect: "0", source: S.errorOnce }],
      ["read first: server write()", {
        expect: "-1 EPIPE",
        source: S.errorOnce,
      }],
      ["send first: server send() #1", {
        expect: "-1 ECONNRESET",
        source: `${S.rstEstablished}; ${S.seed}`,
      }],
      ["send first: server send() #2", {
        expect: "-1 EPIPE",
        source: S.errorOnce,
      }],
    ]),
    deno: {
      "read first: RST after close()": within(
        `${S.lingerZero}; at the Deno layer the bound is 1000 x the same pair's connect through Deno`,
      ),
      "write first: RST after close()": within(
        `${S.lingerZero}; at the Deno layer the bound is 1000 x the same pair's connect through Deno`,
      ),
      "read first: server state after peer close()": {
        expect: "absent",
        source: S.lingerZero,
      },
      "read first: server read() #1": {
        expect: "ConnectionReset ECONNRESET",
        source: `${S.rstEstablished}; ${S.denoReset}`,
      },
      "read first: server read() #2": { expect: "null", source: S.errorOnce },
      "read first: server write()": {
        expect: "BrokenPipe EPIPE",
        source: S.errorOnce,
      },
      "write first: server state after peer close()": {
        expect: "absent",
        source: S.lingerZero,
      },
      "write first: server write() #1": {
        expect: "ConnectionReset ECONNRESET",
        source: `${S.rstEstablished}; ${S.denoReset}`,
      },
      "write first: server write() #2": {
        expect: "BrokenPipe EPIPE",
        source: S.errorOnce,
      },
    },
    wire: {
      segments: {
        expect: "c:S s:S. c:. c:R.",
        compare: "wire",
        source:
          `${S.lingerZero}; net/ipv4/tcp_output.c tcp_send_active_reset(): RST|ACK (R.) at once, no FIN; ` +
          `${S.seed} ("The RESET packet comes right after the 3-way handshake completes")`,
      },
      "RST after close() on the wire": within(
        `${S.lingerZero}; RST stamped by tcpdump vs close()'s start`,
      ),
    },
  },

  "tcp-rst-with-unread-data": {
    syscall: {
      "client write()": wrote(5),
      "server poll() before the RST": {
        expect: "POLLIN",
        source: "data queued, no error yet",
      },
      "server poll() after the RST": {
        expect: ["POLLERR|POLLHUP", "POLLERR"],
        source: `${S.rstEstablished}; ${S.pollRace}`,
      },
      "RST after close()": within(S.lingerZero),
      "server read() #1": { expect: '5 "hello"', source: S.rstKeepsData },
      "server read() #2": { expect: "-1 ECONNRESET", source: S.rstKeepsData },
      "server read() #3": { expect: "0", source: S.errorOnce },
    },
    deno: {
      "client write()": wrote(5),
      "server bytes queued": {
        expect: "5",
        source: "/proc/net/tcp rx_queue: bytes received, not read",
      },
      "server state after the RST": { expect: "absent", source: S.tcpDone },
      "server read() #1": { expect: '5 "hello"', source: S.rstKeepsData },
      "server read() #2": {
        expect: "ConnectionReset ECONNRESET",
        source: `${S.rstKeepsData}; ${S.denoReset}`,
      },
      "server read() #3": { expect: "null", source: S.errorOnce },
    },
  },

  "sigpipe-on-write-after-reset": {
    syscall: {
      "default: sigpipe default": ok("signal(2)"),
      "default: write() after the RST": {
        expect: "killed by SIGPIPE",
        source: `${S.writeEpipe}; ${S.sigpipe}`,
      },
      "default: how the writer ended": {
        expect: "signal SIGPIPE",
        source:
          "wait(2): WIFSIGNALED with WTERMSIG == SIGPIPE, not an exit code",
      },
      "ignore: sigpipe ignore": ok("signal(2)"),
      "ignore: write() after the RST": {
        expect: "-1 EPIPE",
        source: S.writeEpipe,
      },
      "ignore: writer still answers": {
        expect: "answers",
        source: "an ignored SIGPIPE does not end the process",
      },
      "nosignal: sigpipe default": ok("signal(2)"),
      "nosignal: send(MSG_NOSIGNAL) after the RST": {
        expect: "-1 EPIPE",
        source: "send(2): MSG_NOSIGNAL: no SIGPIPE, EPIPE is still returned",
      },
      "nosignal: writer still answers": {
        expect: "answers",
        source: "send(2) MSG_NOSIGNAL",
      },
    },
    deno: {
      "write() #1": { expect: "3", source: S.seed },
      "client state after write #1": {
        expect: "absent",
        source: S.abortOnData,
      },
      "write() after the RST": {
        expect: "BrokenPipe EPIPE",
        source: `${S.denoSigpipe}; ${S.denoBrokenPipe}`,
      },
      "write() again": { expect: "BrokenPipe EPIPE", source: S.denoSigpipe },
    },
  },

  "tcp-exit-with-unread-data-sends-rst": {
    syscall: {
      "peer shutdown(SHUT_WR)": ok(S.shutdown),
      "server read()": { expect: "0", source: S.readZero },
      "server write()": { expect: "3", source: S.seed },
      "peer state before exit": {
        expect: "FIN_WAIT2",
        source: `${S.shutdown}: the data is accepted, no RST`,
      },
      "server poll() before peer exit": {
        expect: "none",
        source: "no RST before the exit: no POLLERR",
      },
      "server SO_ERROR before peer exit": {
        expect: "0",
        source: "no RST before the exit",
      },
      "peer exit": { expect: "0, then exited 0", source: "exit(3)" },
      "server poll() at peer exit": {
        expect: ["POLLERR|POLLHUP", "POLLERR"],
        source: `${S.closeUnread}; ${S.pollRace}`,
      },
      "RST after peer exit": within(
        `exit(2) closes every descriptor; ${S.closeUnread}`,
      ),
      "peer state after exit": { expect: "absent", source: S.closeUnread },
      "server state after RST": { expect: "absent", source: S.tcpDone },
      "server write() after RST": {
        expect: "-1 EPIPE",
        source: S.rstInCloseWait,
      },
    },
    deno: {
      "RST after peer exit": within(
        `${S.closeUnread}; at the Deno layer the bound is 1000 x the same pair's connect through Deno`,
      ),
      "server read()": { expect: "null", source: S.denoReadNull },
      "server write()": { expect: "3", source: S.seed },
      "peer state before exit": {
        expect: "FIN_WAIT2",
        source: `${S.shutdown}: the data is accepted, no RST`,
      },
      "server state before peer exit": {
        expect: "CLOSE_WAIT",
        source: S.states,
      },
      "server state after peer exit": {
        expect: "absent",
        source: S.closeUnread,
      },
      "server write() after RST": {
        expect: "BrokenPipe EPIPE",
        source: `${S.rstInCloseWait}; ${S.denoBrokenPipe}`,
      },
    },
    wire: {
      segments: {
        expect: "c:S s:S. c:. c:F. s:. s:P.(3) c:. c:R.",
        compare: "wire",
        source:
          `${S.seed} (the shutdown trace: the data is ACKed, the reset comes at exit); ` +
          `${S.closeUnread}; net/ipv4/tcp_output.c tcp_send_active_reset(): RST|ACK (R.)`,
      },
      "RST after peer exit on the wire": within(
        `exit(2) closes every descriptor; ${S.closeUnread}`,
      ),
    },
  },

  "tcp-close-with-unread-data-sends-rst": {
    syscall: {
      "client write()": wrote(5),
      "server poll() before close()": {
        expect: "POLLIN",
        source: "data queued",
      },
      "server close()": ok(S.closeUnread),
      "client poll() after server close()": {
        expect: ["POLLIN|POLLERR|POLLHUP|POLLRDHUP", "POLLERR"],
        source: `${S.closeUnread}; ${S.rstEstablished}; ${S.pollRace}`,
      },
      "RST after close()": within(S.closeUnread),
      "server state after close()": {
        expect: "absent",
        source: `${S.closeUnread}: no FIN_WAIT, no TIME_WAIT`,
      },
      "client state after close()": { expect: "absent", source: S.tcpDone },
      "client read() #1": {
        expect: "-1 ECONNRESET",
        source: `${S.closeUnread}; ${S.rstEstablished}`,
      },
      "client read() #2": { expect: "0", source: S.errorOnce },
    },
    deno: {
      "RST after close()": within(
        `${S.closeUnread}; at the Deno layer the bound is 1000 x the same pair's connect through Deno`,
      ),
      "client write()": wrote(5),
      "server bytes queued": {
        expect: "5",
        source: "/proc/net/tcp rx_queue: bytes received, not read",
      },
      "client state after server close()": {
        expect: "absent",
        source: S.tcpDone,
      },
      "client read() #1": {
        expect: "ConnectionReset ECONNRESET",
        source: `${S.closeUnread}; the syscall layer of this case`,
        knownDeviation: { observed: "null", issue: S.denoCloseShutsDown },
      },
      "client read() #2": { expect: "null", source: S.errorOnce },
    },
    wire: {
      segments: {
        expect: "c:S s:S. c:. c:P.(5) s:. s:R.",
        compare: "wire",
        source:
          `${S.closeUnread}; net/ipv4/tcp_output.c tcp_send_active_reset(): RST|ACK (R.) instead of a FIN`,
      },
      "RST after close() on the wire": within(S.closeUnread),
    },
  },

  "deno-readable-eof-closes-connection": {
    deno: {
      "server reads conn.readable to EOF": {
        expect: '"request"',
        source: "the client's bytes, then EOF",
      },
      "server write() of the reply": {
        expect: "5",
        source: `${S.shutdown}: a half-closed peer still receives`,
        knownDeviation: {
          observed: "BadResource",
          issue: "https://github.com/denoland/deno/issues/22258",
        },
      },
      "client read() of the reply": {
        expect: '5 "reply"',
        source: S.shutdown,
        knownDeviation: {
          observed: "null",
          issue: "https://github.com/denoland/deno/issues/22258",
        },
      },
    },
  },

  "tcp-connect-refused": {
    syscall: {
      "blocking connect()": {
        expect: "-1 ECONNREFUSED",
        source: S.connectRefused,
      },
      "non-blocking connect()": {
        expect: "-1 EINPROGRESS",
        source: S.connectInProgress,
      },
      "non-blocking: poll() for writing": {
        expect: ["POLLOUT|POLLERR|POLLHUP", "POLLERR"],
        source: `${S.pollAfterDone}; ${S.pollRace}`,
      },
      "non-blocking: SO_ERROR #1": {
        expect: "ECONNREFUSED",
        source: `${S.connectRefused}; ${S.soErrorOnce}`,
      },
      "non-blocking: SO_ERROR #2": { expect: "0", source: S.soErrorOnce },
      "non-blocking: read()": { expect: "0", source: S.closedReadsZero },
      "non-blocking: connect() again on that socket": {
        expect: "-1 ECONNABORTED",
        source: S.connectAgainAborted,
      },
    },
    deno: {
      "Deno.connect()": {
        expect: "ConnectionRefused ECONNREFUSED",
        source: `${S.connectRefused}; ${S.denoRefused}`,
      },
    },
    wire: {
      segments: { expect: "c:S s:R.", compare: "wire", source: S.rstToSyn },
    },
  },

  "tcp-listener-close-resets-backlog": {
    syscall: {
      "client A non-blocking connect()": {
        expect: "-1 EINPROGRESS",
        source: S.connectInProgress,
      },
      "client A poll() for writing": {
        expect: "POLLOUT",
        source: `the handshake completes: ${S.backlogZero}`,
      },
      "server end of A, not accepted": {
        expect: "ESTABLISHED",
        source:
          `${S.backlogZero}; a queued child is ESTABLISHED before accept()`,
      },
      "listener accept queue (length of limit)": {
        expect: "1 of 0",
        source: `${S.listenInfo}; ${S.backlogZero}`,
      },
      "client B non-blocking connect()": {
        expect: "-1 EINPROGRESS",
        source: S.connectInProgress,
      },
      "client B state (queue full)": {
        expect: "SYN_SENT",
        source: `${S.backlogZero}: B's SYN is dropped, B waits to retransmit`,
      },
      "listener close()": { expect: "0", source: "close(2)" },
      "client A poll()": {
        expect: ["POLLIN|POLLERR|POLLHUP|POLLRDHUP", "POLLERR"],
        source: `${S.listenStop}; ${S.rstEstablished}; ${S.pollRace}`,
      },
      "server end of A after listener close()": {
        expect: "absent",
        source: S.listenStop,
      },
      "client A read() #1": {
        expect: "-1 ECONNRESET",
        source: `${S.listenStop}; ${S.rstEstablished}`,
      },
      "client A read() #2": { expect: "0", source: S.errorOnce },
      "client B poll() for writing": {
        expect: ["POLLOUT|POLLERR|POLLHUP", "POLLERR"],
        source: `${S.synRetransmit}; ${S.pollAfterDone}; ${S.pollRace}`,
      },
      "client B refused": {
        expect: "at the SYN retransmission",
        source:
          `${S.synRetransmit}; judged as >= 1 s - 10 ms after connect() (one jiffy at HZ=100)`,
      },
      "client B SO_ERROR": {
        expect: "ECONNREFUSED",
        source: `${S.synRetransmit}; ${S.connectRefused}`,
      },
    },
    deno: {
      "server end, not accepted": {
        expect: "ESTABLISHED",
        source: "a queued child is ESTABLISHED before accept()",
      },
      "server end after listener close()": {
        expect: "absent",
        source: S.listenStop,
      },
      "client read() #1": {
        expect: "ConnectionReset ECONNRESET",
        source: `${S.listenStop}; ${S.denoReset}`,
      },
      "client read() #2": { expect: "null", source: S.errorOnce },
      "client write()": {
        expect: "BrokenPipe EPIPE",
        source: `${S.errorOnce}; ${S.denoBrokenPipe}`,
      },
    },
    wire: {
      "server end, not accepted": {
        expect: "ESTABLISHED",
        source: "a queued child is ESTABLISHED before accept()",
      },
      segments: {
        expect: "c:S s:S. c:. s:R.",
        compare: "wire",
        source:
          `${S.listenStop}; net/ipv4/tcp_output.c tcp_send_active_reset(): RST|ACK (R.)`,
      },
    },
  },

  "tcp-rst-errno-by-state": {
    syscall: Object.fromEntries(
      ["ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2", "CLOSE_WAIT", "LAST_ACK"]
        .flatMap((state) => [
          [`${state}: peer write()`, wrote(5)],
          ...(state === "FIN_WAIT1" || state === "LAST_ACK"
            ? [[`${state}: our write() until the peer's window closes`, {
              expect: "short",
              source: S.shortWrite,
            }]]
            : []),
          [`${state}: our state before the RST`, {
            expect: state,
            source: state === "FIN_WAIT1" || state === "LAST_ACK"
              ? `${S.states}; ${S.finBehindData}`
              : S.states,
          }],
          [`${state}: our state after the RST`, {
            expect: "absent",
            source: `${S.rstByState}; ${S.tcpDone}`,
          }],
          [`${state}: SO_ERROR`, {
            expect: state === "CLOSE_WAIT" ? "EPIPE" : "ECONNRESET",
            source: S.rstByState,
          }],
          [`${state}: read() #1`, {
            expect: '5 "hello"',
            source: S.rstKeepsData,
          }],
          [`${state}: read() #2`, {
            expect: "0",
            source: `the error was taken by SO_ERROR: ${S.closedReadsZero}`,
          }],
          [`${state}: write()`, { expect: "-1 EPIPE", source: S.errorOnce }],
        ]),
    ),
    deno: Object.fromEntries(
      ["ESTABLISHED", "FIN_WAIT2", "CLOSE_WAIT"].flatMap((state) => [
        [`${state}: our state before the RST`, {
          expect: state,
          source: S.states,
        }],
        [`${state}: our state after the RST`, {
          expect: "absent",
          source: `${S.rstByState}; ${S.tcpDone}`,
        }],
        [`${state}: read() #1`, {
          expect: '5 "hello"',
          source: S.rstKeepsData,
        }],
        [`${state}: read() #2`, {
          expect: state === "CLOSE_WAIT"
            ? "null"
            : "ConnectionReset ECONNRESET",
          source: state === "CLOSE_WAIT"
            ? S.doneBeforeError
            : `${S.rstByState}; ${S.denoReset}`,
        }],
        [`${state}: read() #3`, { expect: "null", source: S.errorOnce }],
        [`${state}: write()`, {
          expect: "BrokenPipe EPIPE",
          source: state === "CLOSE_WAIT"
            ? `${S.rstByState} (EPIPE, still pending); ${S.denoBrokenPipe}`
            : `${S.errorOnce}; ${S.denoBrokenPipe}`,
        }],
      ]),
    ),
  },

  "tcp-fin-wait2-linger2": {
    syscall: {
      "TCP_LINGER2 200 (read back)": [
        {
          expect: "120",
          kernel: { min: "5.8" },
          source: `${S.linger2Set}; ${S.linger2Clamp}`,
        },
        { expect: ["60", "120"], source: `${S.linger2Set}; ${S.linger2Clamp}` },
      ],
      "TCP_LINGER2 1 (read back)": { expect: "1", source: S.linger2Set },
      "client close()": ok("close(2)"),
      "client state after close()": {
        expect: "FIN_WAIT2",
        source: `${S.states}; ${S.finWait2Orphan}`,
      },
      "server state after close()": { expect: "CLOSE_WAIT", source: S.states },
      "bind() of the client's address in FIN_WAIT2": {
        expect: "-1 EADDRINUSE",
        source: S.finWait2Bind,
      },
      "client state after TCP_LINGER2": {
        expect: "absent",
        source: S.finWait2Orphan,
      },
      "FIN_WAIT2 ended": {
        expect: "after TCP_LINGER2",
        source:
          `${S.finWait2Orphan}; judged as >= 1 s - 10 ms (one jiffy at HZ=100) after close() began`,
      },
      "bind() of the client's address after TCP_LINGER2": {
        expect: "0",
        source:
          `${S.finWait2Bind}; tried up to 5 times 20 ms apart (gVisor TCPFinWait2Test retries 5 times): net/ipv4/inet_timewait_sock.c inet_twsk_kill() takes the socket out of the table the probe reads before it leaves the bind bucket (one failure in 120 soak runs here)`,
      },
      "linger2 -1: TCP_LINGER2 -1 (read back)": {
        expect: "-1",
        source: S.linger2Set,
      },
      "linger2 -1: client state before close()": {
        expect: "FIN_WAIT2",
        source: `${S.shutdown}; ${S.states}`,
      },
      "linger2 -1: client close()": ok(S.linger2Negative),
      "linger2 -1: client state after close()": {
        expect: "absent",
        source: S.linger2Negative,
      },
      "linger2 -1: server state after close()": {
        expect: "absent",
        source: `${S.rstByState}; ${S.tcpDone}`,
      },
      "linger2 -1: server SO_ERROR": {
        expect: "EPIPE",
        source: `the server was in CLOSE_WAIT: ${S.rstByState}`,
      },
    },
    wire: {
      "linger2 -1: TCP_LINGER2 -1 (read back)": {
        expect: "-1",
        source: S.linger2Set,
      },
      "linger2 -1: client state before close()": {
        expect: "FIN_WAIT2",
        source: `${S.shutdown}; ${S.states}`,
      },
      "linger2 -1: client close()": ok(S.linger2Negative),
      "linger2 -1: server state after close()": {
        expect: "absent",
        source: `${S.rstByState}; ${S.tcpDone}`,
      },
      segments: {
        expect: "c:S s:S. c:. c:F. s:. c:R.",
        compare: "wire",
        source: `${S.shutdown}; ${S.linger2Negative}`,
      },
    },
  },

  "tcp-timewait-active-closer": {
    syscall: {
      "client close() (active)": ok("close(2)"),
      "server read()": { expect: "0", source: S.readZero },
      "server close() (passive)": ok("close(2)"),
      "client state after both close()": {
        expect: "TIME_WAIT",
        source: S.timeWait,
      },
      "server state after both close()": {
        expect: "absent",
        source: S.timeWait,
      },
      "bind() of the client's address, SO_REUSEADDR": {
        expect: "-1 EADDRINUSE",
        source: S.timeWaitBind,
      },
      "bind() of the server's address": {
        expect: "0",
        source: S.passiveRebind,
      },
      "SO_LINGER {1, 0}: client close()": ok(S.lingerZero),
      "SO_LINGER {1, 0}: client state": {
        expect: "absent",
        source: S.lingerNoTimeWait,
      },
      "SO_LINGER {1, 0}: bind() of the client's address": {
        expect: "0",
        source: S.lingerNoTimeWait,
      },
    },
    deno: {
      "server read()": { expect: "null", source: S.denoReadNull },
      "client state after both close()": {
        expect: "TIME_WAIT",
        source: `${S.timeWait}; Deno's close() is an orderly close (FIN)`,
      },
      "server state after both close()": {
        expect: "absent",
        source: S.timeWait,
      },
      "Deno.listen() on the client's address": {
        expect: "AddrInUse EADDRINUSE",
        source:
          `${S.timeWaitBind} (Deno's listener sets SO_REUSEADDR, its connection did not); ${S.denoAddrInUse}`,
      },
      "Deno.listen() on the server's address": {
        expect: "listening",
        source: S.passiveRebind,
      },
    },
    wire: {
      segments: {
        expect: "c:S s:S. c:. c:F. s:. s:F. c:.",
        compare: "wire",
        source: `${S.timeWait}: FIN, ACK, FIN, ACK; no RST`,
      },
    },
  },

  "tcp-linger-nonzero": {
    syscall: Object.fromEntries([
      ...["close()", "exit()"].flatMap((how) => [
        [`${how}: write() until the peer's window closes`, {
          expect: "short",
          source: S.shortWrite,
        }],
        [`${how}: SO_LINGER {1, 1}`, ok("setsockopt(2) SO_LINGER")],
        [`${how}: our state after ${how}`, {
          expect: "FIN_WAIT1",
          source: `${S.states}; ${S.finQueued}`,
        }],
        [`${how}: our state after the peer's close()`, {
          expect: "absent",
          source: S.peerResetsOrphan,
        }],
      ]),
      ["close(): return value", { expect: "0", source: S.lingerWait }],
      ["close(): returned", {
        expect: "after the linger time",
        source:
          `${S.lingerWait}; judged as >= 1 s - 10 ms (one jiffy at HZ=100)`,
      }],
      ["exit(): process ended", { expect: "exited 0", source: "exit(3)" }],
      ["exit(): ended", {
        expect: "before the linger time",
        source: `${S.lingerExit}; judged as < 1 s from the exit command`,
      }],
    ]),
  },

  "tcp-shutdown-read": {
    syscall: Object.fromEntries([
      ...SHUT_RD_COMMON,
      ["server poll() after SHUT_RD", {
        expect: "POLLIN|POLLRDHUP",
        source: S.shutRdPoll,
      }],
      ["server read() before any data", { expect: "0", source: S.shutRdRead }],
      ["server state after SHUT_RD", {
        expect: "ESTABLISHED",
        source: `${S.shutRd}: nothing is sent, the state stays`,
      }],
      ["client poll() after server close()", {
        expect: ["POLLIN|POLLERR|POLLHUP|POLLRDHUP", "POLLERR"],
        source: `${S.closeUnread}; ${S.rstEstablished}; ${S.pollRace}`,
      }],
      ["client read()", {
        expect: "-1 ECONNRESET",
        source: `${S.closeUnread}; ${S.rstEstablished}`,
      }],
    ]),
    wire: Object.fromEntries([
      ...SHUT_RD_COMMON,
      ["segments", {
        expect: "c:S s:S. c:. c:P.(5) s:. c:P.(5) s:. s:R.",
        compare: "wire" as const,
        source:
          `${S.shutRd} (no segment for SHUT_RD; each data segment ACKed); ${S.closeUnread}; net/ipv4/tcp_output.c tcp_send_active_reset(): RST|ACK`,
      }],
    ]),
  },

  "unix-close-with-unread-data": {
    syscall: {
      "write() to the peer": wrote(3),
      "peer close() with it unread": ok("close(2)"),
      "poll()": {
        expect: "POLLIN|POLLERR|POLLHUP|POLLRDHUP",
        source: `${S.unixUnread}; ${S.unixPoll}`,
      },
      "read() #1": { expect: "-1 ECONNRESET", source: S.unixUnread },
      "read() #2": { expect: "0", source: `${S.errorOnce}; ${S.readZero}` },
      "write()": { expect: "-1 EPIPE", source: S.unixEpipe },
    },
    deno: {
      "write() to the peer": {
        expect: "3",
        source: "unix(7) stream socket: the write is queued at the peer",
      },
      "read() #1": {
        expect: "ConnectionReset ECONNRESET",
        source: `${S.unixUnread}; ${S.denoReset}`,
      },
      "read() #2": { expect: "null", source: S.errorOnce },
      "write()": {
        expect: "BrokenPipe EPIPE",
        source: `${S.unixEpipe}; ${S.denoBrokenPipe}`,
      },
    },
  },

  "tcp-dead-peer-user-timeout": {
    syscall: {
      "TCP_USER_TIMEOUT 500 (read back)": {
        expect: "500",
        source: S.userTimeoutSet,
      },
      "connect() (the handshake passes the rule)": ok(S.deadPeerRule),
      "our write()": {
        expect: "5",
        source: "the data is queued and sent; nothing waits for its ACK",
      },
      "our read() while the peer is silent": {
        expect: "-1 ETIMEDOUT",
        source: S.userTimeout,
      },
      "connection dropped": {
        expect: "after TCP_USER_TIMEOUT",
        source:
          `${S.userTimeout}; judged as >= 500 ms - 10 ms (one jiffy at HZ=100) after the write began`,
      },
      "our state after the timeout": { expect: "CLOSE", source: S.tcpDone },
      "retransmitted before giving up": {
        expect: "yes",
        source:
          `${S.userTimeout}; the first retransmission comes one RTO (>= 200 ms, TCP_RTO_MIN) after the write, before 500 ms`,
      },
      "our write() after the timeout": {
        expect: "-1 EPIPE",
        source: `the error was taken by the read: ${S.errorOnce}`,
      },
      "peer read() (the data arrived; only its ACKs were lost)": {
        expect: '5 "hello"',
        source: S.deadPeerRule,
      },
    },
  },

  "tcp-dead-peer-keepalive": {
    syscall: {
      "keepalive 1 (read back)": { expect: "1", source: S.keepaliveSet },
      "keepidle 1 (read back)": { expect: "1", source: S.keepaliveSet },
      "keepintvl 1 (read back)": { expect: "1", source: S.keepaliveSet },
      "keepcnt 1 (read back)": { expect: "1", source: S.keepaliveSet },
      "connect() (the handshake passes the rule)": ok(S.deadPeerRule),
      "our read() while the peer is silent": {
        expect: "-1 ETIMEDOUT",
        source: S.keepaliveDead,
      },
      "connection dropped": {
        expect: "after idle + count x interval",
        source:
          `${S.keepaliveDead}; judged as >= 1 s + 1 x 1 s - 10 ms (one jiffy at HZ=100) after the handshake`,
      },
      "our state after the timeout": { expect: "CLOSE", source: S.tcpDone },
      "peer read() (our RST reached it)": {
        expect: "-1 ECONNRESET",
        source: `${S.keepaliveDead}; ${S.rstEstablished}; ${S.deadPeerRule}`,
      },
      "our write() after the timeout": {
        expect: "-1 EPIPE",
        source: `the error was taken by the read: ${S.errorOnce}`,
      },
    },
  },
};
