/**
 * FreeBSD expectations: the POSIX base, plus what a cited source states for
 * the BSD stack. Every other step runs and is reported unjudged.
 *
 * @module
 */

import type { PlatformTable } from "./types.ts";
import { posix } from "./posix.ts";

const BSD_DISCONNECT =
  "FreeBSD sys/netinet/tcp_usrreq.c tcp_disconnect() (XNU bsd/netinet/tcp_usrreq.c alike): without SO_LINGER 0, close() flushes unread data (sbflush) and sends a FIN, not an RST";

const UNIX_EOF =
  "FreeBSD 12, OpenBSD 7.2 and macOS 12.5 give EOF, not ECONNRESET, when an AF_UNIX peer closes with unread data (ocaml-multicore/eio#312 and PR#313, with a C repro; shared/notes/teardown-catalog.md #8)";

/** Where the BSD stacks part from Linux, by source. */
export const bsdDifferences: PlatformTable = {
  "unix-close-with-unread-data": {
    syscall: { "read() #1": { expect: "0", source: UNIX_EOF } },
    deno: { "read() #1": { expect: "null", source: UNIX_EOF } },
  },
  "tcp-close-with-unread-data-sends-rst": {
    syscall: {
      "client write()": { expect: "5", source: "POSIX write()" },
      "server close()": { expect: "0", source: BSD_DISCONNECT },
      "client read() #1": { expect: "0", source: BSD_DISCONNECT },
    },
    deno: {
      "client read() #1": { expect: "null", source: BSD_DISCONNECT },
    },
  },
};

const RST_ANY_STATE =
  "FreeBSD reports ECONNRESET for an RST in every synchronized state, CLOSE_WAIT included (freebsd-net/tcp-testsuite state-event-engine/rcv-rst-*; SAPI tcp_handle_rst; shared/notes/teardown-catalog.md #4, #5)";
const SORFLUSH =
  "FreeBSD soshutdown(SHUT_RD) -> sorflush(): data arriving after it is ACKed and discarded, read returns 0 at once (shared/notes/teardown-catalog.md #19, shivansh/TCP-IP-Regression-TestSuite socket-api/shutdown)";
const SOCLOSE_LINGER =
  "FreeBSD sys/kern/uipc_socket.c soclose(): with SO_LINGER the close sleeps up to so_linger seconds; when the time runs out the sleep's EWOULDBLOCK (= EAGAIN) becomes close()'s return value (shared/notes/teardown-catalog.md, SO_LINGER {1, N>0})";

/**
 * What FreeBSD's own sources and suites state, beyond the BSD common part
 * (whole cases, so spreading them replaces no case of the tables above).
 */
const freebsdOnly: PlatformTable = {
  "tcp-rst-errno-by-state": {
    syscall: Object.fromEntries(
      ["ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2", "CLOSE_WAIT", "LAST_ACK"].map(
        (
          state,
        ) => [`${state}: SO_ERROR`, {
          expect: "ECONNRESET",
          source: RST_ANY_STATE,
        }],
      ),
    ),
  },
  "tcp-shutdown-read": {
    syscall: { "server read() #1": { expect: "0", source: SORFLUSH } },
    wire: { "server read() #1": { expect: "0", source: SORFLUSH } },
  },
  "tcp-linger-nonzero": {
    syscall: {
      "close(): return value": { expect: "-1 EAGAIN", source: SOCLOSE_LINGER },
    },
  },
};

/** FreeBSD: case id → layer → step → expectation. */
export const freebsd: PlatformTable = {
  ...posix,
  ...bsdDifferences,
  ...freebsdOnly,
};
