/**
 * Windows expectations: the C helper does not build there, so only Deno
 * layers run; these are the steps a cited source states. Every other step
 * runs and is reported unjudged.
 *
 * @module
 */

import type { PlatformTable } from "./types.ts";

const RFC_STATES = "RFC 9293 §3.3.2 state diagram";

/** Windows: case id → layer → step → expectation. */
export const windows: PlatformTable = {
  "tcp-write-after-peer-close": {
    deno: {
      "server read()": {
        expect: "null",
        source: "recv() returns 0 on graceful close (Winsock recv docs)",
      },
      "server state": { expect: "CLOSE_WAIT", source: RFC_STATES },
      "client state": { expect: "FIN_WAIT2", source: RFC_STATES },
      "server write() #1": {
        expect: "3",
        source: "RFC 9293 §3.10.2: SEND in CLOSE-WAIT is allowed",
      },
    },
  },
  "tcp-rst-with-unread-data": {
    deno: {
      "server read() #1": {
        expect: "ConnectionReset ECONNRESET",
        source:
          "shared/seed.txt: unread data is purged when the RST arrives (Winsock: WSAECONNRESET, data discarded)",
      },
    },
  },
};
