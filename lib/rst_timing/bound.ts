/**
 * RST timing judged against the same run's own round trip, never against an
 * absolute time that a loaded machine could miss.
 *
 * @module
 */

/** How many handshake round trips an "immediate" reset may take. */
export const RESET_BOUND_ROUND_TRIPS = 1000;

/** A reset delay judged against a round trip measured in the same run. */
export interface ResetJudgement {
  /** `"within bound"`, `"beyond bound"` or `"before trigger"`. */
  verdict: "within bound" | "beyond bound" | "before trigger";
  /** Trigger → reset observed, in µs. */
  delayUs: number;
  /** The bound, in µs. */
  boundUs: number;
  /** One line with the figures, for the report. */
  detail: string;
}

/**
 * Judges a reset observed `delayUs` after its trigger, given a loopback
 * round trip of `roundTripUs` measured in the same run: before the trigger
 * is an ordering violation; later than {@linkcode RESET_BOUND_ROUND_TRIPS}
 * round trips means it waited for something (a timer, an exit), not the
 * trigger. `uncertaintyUs` is how far off the delay may be either way (two
 * clocks set against each other): only beyond it is a reset judged before
 * its trigger or beyond the bound.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { judgeReset } from "./bound.ts";
 * assertEquals(judgeReset(40, 25).verdict, "within bound");
 * assertEquals(judgeReset(-3, 25).verdict, "before trigger");
 * assertEquals(judgeReset(-3, 25, 5).verdict, "within bound");
 * ```
 */
export function judgeReset(
  delayUs: number,
  roundTripUs: number,
  uncertaintyUs = 0,
): ResetJudgement {
  const boundUs = RESET_BOUND_ROUND_TRIPS * roundTripUs;
  // Only what the clocks can tell apart: a delay within the uncertainty
  // of zero is "at the trigger", not before it.
  const verdict = delayUs < -uncertaintyUs
    ? "before trigger"
    : delayUs <= boundUs + uncertaintyUs
    ? "within bound"
    : "beyond bound";
  return {
    verdict,
    delayUs,
    boundUs,
    detail: `${delayUs.toFixed(1)} µs${
      uncertaintyUs > 0 ? ` (± ${uncertaintyUs.toFixed(1)} µs)` : ""
    } after the trigger; bound ${
      boundUs.toFixed(0)
    } µs = ${RESET_BOUND_ROUND_TRIPS} × handshake ${roundTripUs.toFixed(1)} µs`,
  };
}
