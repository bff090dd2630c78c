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

/** Where the BSD stacks part from Linux, by source. */
export const bsdDifferences: PlatformTable = {
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

/** FreeBSD: case id → layer → step → expectation. */
export const freebsd: PlatformTable = { ...posix, ...bsdDifferences };
