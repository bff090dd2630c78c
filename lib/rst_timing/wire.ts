/**
 * RST timing read off the wire: the reset's capture time relative to the
 * segment that triggered it, judged against the handshake round trip of
 * the same capture (SYN → SYN-ACK → ACK), with {@linkcode judgeReset}.
 *
 * Both figures come from tcpdump's timestamps, taken by the kernel as each
 * segment passes the loopback tap, so neither includes system-call or
 * scheduling costs of the programs at either end.
 *
 * @module
 */

import type { Segment } from "../wire/segment.ts";
import { judgeReset, type ResetJudgement } from "./bound.ts";
import { parseToken, tokenMatches } from "../wire/sequence.ts";

/**
 * The handshake's round trip in µs: from the client's SYN to its ACK of
 * the server's SYN-ACK; `undefined` when the capture lacks the handshake.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { handshakeRoundTripUs } from "./wire.ts";
 * assertEquals(handshakeRoundTripUs([
 *   { t: 0, from: "client", flags: "S", seq: 0, len: 0 },
 *   { t: 0.013, from: "server", flags: "S.", seq: 0, ack: 1, len: 0 },
 *   { t: 0.027, from: "client", flags: ".", seq: 1, ack: 1, len: 0 },
 * ]), 27);
 * ```
 */
export function handshakeRoundTripUs(
  segments: readonly Segment[],
): number | undefined {
  const syn = segments.findIndex((s) => s.from === "client" && s.flags === "S");
  if (syn < 0) return undefined;
  const synAck = segments.findIndex((s, i) =>
    i > syn && s.from === "server" && s.flags === "S."
  );
  if (synAck < 0) return undefined;
  const ack = segments.findIndex((s, i) =>
    i > synAck && s.from === "client" && s.flags.includes(".") &&
    !s.flags.includes("S")
  );
  if (ack < 0) return undefined;
  return round((segments[ack].t - segments[syn].t) * 1000);
}

function round(us: number): number {
  return Math.round(us * 1000) / 1000;
}

/** An RST's timing on the wire, judged. */
export interface WireReset {
  /**
   * The observation for the step: the verdict of {@linkcode judgeReset}
   * (`within bound`, `beyond bound`, `before trigger`), or `no RST
   * captured`, `no trigger captured`, `no handshake captured`.
   */
  observed: string;
  /** Trigger → RST on the wire, in µs. */
  delayUs?: number;
  /** The handshake round trip on the same capture, in µs. */
  roundTripUs?: number;
  /** The judgement, when there was something to judge. */
  judgement?: ResetJudgement;
  /** One line with the figures, for the step's detail. */
  detail: string;
}

/**
 * Times the first RST sent by `from` against `trigger`, the last segment
 * before it that matches that token (e.g. `s:P.(3)`, the data that drew
 * the RST); when no such segment precedes the RST, the first one after it
 * (and the verdict is `before trigger`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { wireReset } from "./wire.ts";
 * const r = wireReset([
 *   { t: 0, from: "client", flags: "S", seq: 0, len: 0 },
 *   { t: 0.013, from: "server", flags: "S.", seq: 0, ack: 1, len: 0 },
 *   { t: 0.027, from: "client", flags: ".", seq: 1, ack: 1, len: 0 },
 *   { t: 0.056, from: "client", flags: "F.", seq: 1, ack: 1, len: 0 },
 *   { t: 0.077, from: "server", flags: "P.", seq: 1, ack: 2, len: 3 },
 *   { t: 0.085, from: "client", flags: "R", seq: 2, len: 0 },
 * ], "s:P.(3)", "client");
 * assertEquals([r.observed, r.delayUs, r.roundTripUs], ["within bound", 8, 27]);
 * ```
 */
export function wireReset(
  segments: readonly Segment[],
  trigger: string,
  from: "client" | "server",
): WireReset {
  const want = parseToken(trigger);
  const rst = segments.findIndex((s) =>
    s.from === from && s.flags.includes("R")
  );
  if (rst < 0) {
    return { observed: "no RST captured", detail: `no RST from the ${from}` };
  }
  const matching = segments.map((s, i) => ({ s, i })).filter(({ s }) =>
    tokenMatches(want, s)
  );
  const before = matching.filter(({ i }) => i < rst).at(-1);
  const cause = before ?? matching[0];
  if (!cause) {
    return {
      observed: "no trigger captured",
      detail: `no ${trigger} in the capture`,
    };
  }
  const roundTripUs = handshakeRoundTripUs(segments);
  if (roundTripUs === undefined) {
    return {
      observed: "no handshake captured",
      detail: "no SYN, SYN-ACK, ACK to measure the round trip by",
    };
  }
  const delayUs = round((segments[rst].t - cause.s.t) * 1000);
  const judgement = judgeReset(delayUs, roundTripUs);
  return {
    observed: judgement.verdict,
    delayUs,
    roundTripUs,
    judgement,
    detail: `on the wire: RST ${
      judgement.detail.replace("the trigger", trigger)
    }`,
  };
}

/**
 * Times the first RST sent by `from` against a system call: `callNs` is the
 * call's start on CLOCK_REALTIME (helper `t0` plus the offset
 * `Helper.realtimeOffset()` measured, whose uncertainty is
 * `uncertaintyNs`), `startNs` the capture time of `segments[0]` (tcpdump
 * stamps segments with CLOCK_REALTIME too). For resets triggered by
 * a call rather than a segment: close() with SO_LINGER 0 or with unread
 * data, a process's exit.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { wireResetAfterCall } from "./wire.ts";
 * const r = wireResetAfterCall([
 *   { t: 0, from: "client", flags: "S", seq: 0, len: 0 },
 *   { t: 0.013, from: "server", flags: "S.", seq: 0, ack: 1, len: 0 },
 *   { t: 0.027, from: "client", flags: ".", seq: 1, ack: 1, len: 0 },
 *   { t: 5.040, from: "client", flags: "R.", seq: 1, ack: 1, len: 0 },
 * ], 1_000_000_000n, 1_000_000_000n + 5_000_000n, "client");
 * assertEquals([r.observed, r.delayUs], ["within bound", 40]);
 * ```
 */
export function wireResetAfterCall(
  segments: readonly Segment[],
  startNs: bigint,
  callNs: bigint,
  from: "client" | "server",
  uncertaintyNs = 0n,
): WireReset {
  const rst = segments.find((s) => s.from === from && s.flags.includes("R"));
  if (!rst) {
    return { observed: "no RST captured", detail: `no RST from the ${from}` };
  }
  const roundTripUs = handshakeRoundTripUs(segments);
  if (roundTripUs === undefined) {
    return {
      observed: "no handshake captured",
      detail: "no SYN, SYN-ACK, ACK to measure the round trip by",
    };
  }
  const rstNs = startNs + BigInt(Math.round(rst.t * 1e6));
  const delayUs = round(Number(rstNs - callNs) / 1000);
  const judgement = judgeReset(
    delayUs,
    roundTripUs,
    Number(uncertaintyNs) / 1000,
  );
  return {
    observed: judgement.verdict,
    delayUs,
    roundTripUs,
    judgement,
    detail: `on the wire: RST ${
      judgement.detail.replace("the trigger", "the call")
    }`,
  };
}
