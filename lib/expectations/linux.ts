/**
 * Linux expectations (checked on 6.1, 6.12 and 6.18; no step differs).
 *
 * @module
 */

import type { PlatformTable } from "../expectations.ts";
import { SOURCES as S } from "./sources.ts";

/** Linux: case id → layer → step → expectation. */
export const linux: PlatformTable = {
  "tcp-write-after-peer-close": {
    syscall: {
      "client close()": { expect: "0", source: "close(2)" },
      "server poll()": {
        expect: "POLLIN|POLLRDHUP",
        source: `${S.pollRdhup}; ${S.seed}`,
      },
      "server read()": { expect: "0", source: S.readZero },
      "server state": { expect: "CLOSE_WAIT", source: S.states },
      "client state": { expect: "FIN_WAIT2", source: S.states },
      "server write() #1": { expect: "3", source: S.seed },
      "server poll() after write #1": {
        expect: "POLLERR|POLLHUP",
        source: `${S.abortOnData}; the RST ends the connection`,
      },
      "RST after write #1": {
        expect: "within bound",
        source:
          `${S.abortOnData}; bound: 1000 x the handshake round trip of the same run`,
      },
      "client state after RST": {
        expect: "absent",
        source: `${S.abortOnData}; ${S.seed} (third netstat shows nothing)`,
      },
      "server state after RST": {
        expect: "absent",
        source: "net/ipv4/tcp.c tcp_done(): the reset socket is unhashed",
      },
      "server tcp-info after RST": {
        expect: "CLOSE",
        source: "net/ipv4/tcp.c tcp_done(): TCP_CLOSE",
      },
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
  },
};
