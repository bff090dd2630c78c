/**
 * closewait: a conformance kit for what a kernel and a runtime do when a
 * TCP connection is torn down. This module is the case author's API: write
 * a case as a story (set up the pair, do the one thing, check what the
 * kernel says), give it expectations per platform with a source for each,
 * and it is judged like the kit's own cases: passed, failed with expected
 * vs observed, a known deviation, or unjudged where no expectation exists.
 *
 * - {@linkcode conformanceCase} registers a case (one `Deno.test` per case
 *   and layer); its body gets a {@linkcode Scenario} whose `check()`,
 *   `checkState()`, `checkSegments()` and `checkReset()` judge each step.
 * - Pairs on ephemeral loopback ports: {@linkcode tcpPair} (Deno's API),
 *   {@linkcode Helper} (the C helper for raw system calls: SO_LINGER,
 *   SIGPIPE, errno), {@linkcode helperClientPair}, {@linkcode withUnixPair}.
 * - Socket states by 4-tuple ({@linkcode socketState},
 *   {@linkcode waitForState}) and wire captures (`s.wirePair()`,
 *   `s.capture()`, {@linkcode wireReset}).
 *
 * The kit's runner, reports, compare, soak and bench are for scripts, at
 * their own entry points: `@closewait/kit/runner`, `@closewait/kit/report`,
 * `@closewait/kit/soak`, `@closewait/kit/bench`, and the expectation tables
 * at `@closewait/kit/expectations`.
 *
 * @example A case file of your own: the seed's story at the Deno layer and
 * through raw system calls, judged by its own expectations
 * ```ts
 * import { assert } from "@std/assert";
 * import {
 *   brief,
 *   type CaseExpectations,
 *   conformanceCase,
 *   outcome,
 *   tcpPair,
 * } from "@closewait/kit";
 *
 * const expectations: CaseExpectations = {
 *   linux: {
 *     "server read()": {
 *       expect: "null",
 *       source: "recv(2): 0 once the peer's FIN arrived; Deno's read() gives null",
 *     },
 *     "server write() #1": {
 *       expect: "3",
 *       source: "RFC 9293 §3.6: CLOSE_WAIT may still send; the peer's RST comes after",
 *     },
 *   },
 * };
 *
 * await conformanceCase({
 *   id: "example-first-write-after-peer-close",
 *   layer: "deno",
 *   summary: "After the peer's close(), the server reads EOF and its first write succeeds.",
 *   expectations,
 *   async fn(s) {
 *     await using pair = await tcpPair("127.0.0.1");
 *     pair.client.close();
 *     s.check("server read()", (await outcome(pair.server.read(new Uint8Array(16)), 2000)).text);
 *     const payload = new TextEncoder().encode("123");
 *     s.check("server write() #1", (await outcome(pair.server.write(payload), 2000)).text);
 *   },
 * });
 *
 * await conformanceCase({
 *   id: "example-second-write-fails",
 *   layer: "syscall",
 *   summary: "After the peer's close(), the first write draws an RST and the second fails with EPIPE.",
 *   needs: ["helper"],
 *   expectations: {
 *     linux: {
 *       "server write() #1": { expect: "3", source: "tcp(7): CLOSE_WAIT may still send" },
 *       "server write() #2": {
 *         expect: "-1 EPIPE",
 *         source: "net/ipv4/tcp_input.c tcp_reset(): an RST in CLOSE_WAIT sets sk_err = EPIPE",
 *       },
 *     },
 *   },
 *   async fn(s) {
 *     await using h = await s.helper("helper");
 *     const { client, server } = await h.pair();
 *     await h.expectOk(`close ${client.fd}`);
 *     await h.expectOk(`read ${server.fd} 16 1000`);
 *     const [write1] = await h.batch([`write ${server.fd} 123`, `poll ${server.fd} - 1000`]);
 *     s.check("server write() #1", brief(write1));
 *     s.check("server write() #2", brief(await h.run(`write ${server.fd} 123`)));
 *   },
 * });
 *
 * // Expectations are data: a plain test keeps them honest.
 * Deno.test("every expectation of the Deno-layer case cites a source", () => {
 *   for (const steps of Object.values(expectations)) {
 *     for (const e of Object.values(steps ?? {})) {
 *       for (const one of Array.isArray(e) ? e : [e]) assert(one.source.length > 0);
 *     }
 *   }
 * });
 * ```
 *
 * @module
 */

export {
  type CaseDefinition,
  conformanceCase,
  describePlatform,
  ExpectationFailure,
  Scenario,
} from "./lib/case/scenario.ts";
export type { Requirement } from "./lib/case/requirements.ts";
export type {
  HelperTranscript,
  Status,
  StepResult,
  Timing,
  TranscriptCall,
} from "./lib/case/result.ts";
export type {
  CaseExpectations,
  Expectation,
  ExpectationTables,
  Layer,
  PlatformTable,
  StepTable,
} from "./lib/expectations/types.ts";
export type { Endpoint, Tuple } from "./lib/address/address.ts";
export {
  type Answer,
  brief,
  briefRead,
  describeExit,
  elapsedUs,
  type ExitStatus,
} from "./lib/helper/protocol.ts";
export {
  type ClockOffset,
  Helper,
  HelperError,
  type HelperOptions,
  type HelperPair,
  type HelperSocket,
  HelperUnavailable,
} from "./lib/helper/helper.ts";
export {
  ensureHelper,
  type HelperAvailability,
  type HelperUnavailableKind,
} from "./lib/helper/build.ts";
export {
  closeQuietly,
  type HelperClientPair,
  helperClientPair,
  outcome,
  readOnce,
  type TcpPair,
  tcpPair,
  type UnixPair,
  withUnixPair,
} from "./lib/sockets/pair.ts";
export {
  type RowReader,
  socketState,
  type StateRow,
  type StateWait,
  tableRowReader,
  type TcpState,
  waitForReceiveQueue,
  waitForState,
} from "./lib/sockets/state.ts";
export { helperRowReader } from "./lib/sockets/helper_reader.ts";
export type {
  Capture,
  CaptureOptions,
  CaptureResult,
  CaptureStartup,
} from "./lib/wire/capture.ts";
export type { Connection } from "./lib/wire/tcpdump_text.ts";
export type { WirePair } from "./lib/wire/pair.ts";
export type { Segment, Trace } from "./lib/wire/segment.ts";
export type { ResetJudgement } from "./lib/rst_timing/bound.ts";
export {
  type WireReset,
  wireReset,
  wireResetAfterCall,
} from "./lib/rst_timing/wire.ts";
export {
  currentPlatform,
  type OsName,
  type Platform,
} from "./lib/platform/platform.ts";
