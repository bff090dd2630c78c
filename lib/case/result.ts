/**
 * The record every case leaves behind, whatever its outcome, and how it
 * travels from a test process to the kit runner: one line on stdout,
 * `##closewait-result <json>`, printed only when `CLOSEWAIT_REPORT=1`.
 *
 * @module
 */

import type { Layer } from "../expectations/mod.ts";
import type { Platform } from "../platform/platform.ts";
import type { Trace } from "../wire/segment.ts";

/** Outcome of a step or a case. */
export type Status =
  | "passed"
  | "failed"
  | "skipped"
  | "known-deviation"
  | "unjudged"
  | "compat-differs";

/** One observed step and its verdict. */
export interface StepResult {
  /** The step's name, as in the expectation tables. */
  step: string;
  /** What was expected (`undefined` when nothing is recorded: unjudged). */
  expected?: string;
  /** What was observed. */
  observed: string;
  /** Figures or context behind the observation. */
  detail?: string;
  /** The verdict for this step. */
  status: Status;
  /** Where the expectation comes from. */
  source?: string;
  /** For known deviations: where the deviation is tracked. */
  issue?: string;
}

/** A named figure measured by a case, e.g. an RST delay in µs. */
export interface Timing {
  /** What was measured. */
  name: string;
  /** The value. */
  value: number;
  /** Its unit. */
  unit: "us" | "ms" | "ns";
}

/** One call the C helper made, as a transcript line. */
export interface TranscriptCall {
  /** The command as sent, e.g. `write 5 123`. */
  command: string;
  /** The answer line as received (empty when the helper died first). */
  answer: string;
  /** `ok`, `fail`, `bad`, or `died`. */
  kind: "ok" | "fail" | "bad" | "died";
  /** The call's return value. */
  ret: number;
  /** errno name of a failed call, e.g. `EPIPE`. */
  errno?: string;
  /**
   * Before the call, in ns since the case's first helper call
   * (CLOCK_MONOTONIC, one clock for every helper of the case); absent when
   * the answer carried no timestamp.
   */
  t0Ns?: number;
  /** After the call, in ns since the case's first helper call. */
  t1Ns?: number;
}

/** Everything one helper process was asked and answered in a case. */
export interface HelperTranscript {
  /** The helper's name in the case, e.g. `"helper"`, `"default-sigpipe"`. */
  helper: string;
  /** Its calls, in order. */
  calls: TranscriptCall[];
  /** How it ended, when it ended on its own: `SIGPIPE`, `code 1`. */
  exit?: string;
  /** What it wrote on stderr, if anything. */
  stderr?: string;
}

/** The record of one case at one layer. */
export interface CaseResult {
  /** Case id, e.g. `tcp-write-after-peer-close`. */
  id: string;
  /** Layer observed. */
  layer: Layer;
  /** Overall verdict (worst step wins; an error is a failure). */
  status: Status;
  /** One-sentence scenario. */
  summary: string;
  /** Steps in the order they happened. */
  steps: StepResult[];
  /** Figures measured. */
  timings: Timing[];
  /** Why it was skipped, or the failure message. */
  reason?: string;
  /** The platform the run judged. */
  platform: Platform;
  /** Wall time of the case in ms. */
  durationMs: number;
  /** The segments captured on the wire (wire layer only). */
  trace?: Trace;
  /** Every helper's calls and answers, for reports and reproducers. */
  transcripts?: HelperTranscript[];
}

/** Prefix of a result line on a test process's stdout. */
export const RESULT_PREFIX = "##closewait-result ";

/** Whether the kit runner asked for result lines. */
export function reportingEnabled(): boolean {
  return Deno.env.get("CLOSEWAIT_REPORT") === "1";
}

/** Prints a result line for the kit runner (only when it asked for them). */
export function emitResult(result: CaseResult): void {
  if (reportingEnabled()) console.log(RESULT_PREFIX + JSON.stringify(result));
}

/**
 * Picks the result lines out of a test run's output.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseResultLines, RESULT_PREFIX } from "./result.ts";
 * const out = `noise\n${RESULT_PREFIX}{"id":"x","layer":"deno"}\n`;
 * assertEquals(parseResultLines(out).map((r) => r.id), ["x"]);
 * ```
 */
export function parseResultLines(output: string): CaseResult[] {
  const results: CaseResult[] = [];
  for (const line of output.split("\n")) {
    const at = line.indexOf(RESULT_PREFIX);
    if (at >= 0) {
      results.push(JSON.parse(line.slice(at + RESULT_PREFIX.length)));
    }
  }
  return results;
}

const RANK: Record<Status, number> = {
  passed: 0,
  skipped: 1,
  unjudged: 2,
  "known-deviation": 3,
  // A runtime that differs from Node.js, the reference for node:net.
  "compat-differs": 4,
  failed: 5,
};

/** The overall status of a set of steps: the worst one (none: passed). */
export function worstStatus(statuses: Status[]): Status {
  return statuses.reduce<Status>(
    (worst, s) => RANK[s] > RANK[worst] ? s : worst,
    "passed",
  );
}
