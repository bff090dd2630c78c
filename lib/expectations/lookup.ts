/**
 * Expected behaviour as data: per platform, case, layer and step.
 *
 * The tables live in `lib/expectations/<os>.ts`, one file per platform, in
 * the spirit of gVisor's per-platform expectation files: the case code never
 * branches on the OS, it asks for the expectation of a step and compares.
 *
 * @module
 */

import { compareReleases, type OsName, type Platform } from "../platform/platform.ts";
import { linux } from "./linux.ts";
import { darwin } from "./darwin.ts";
import { freebsd } from "./freebsd.ts";
import { windows } from "./windows.ts";
import { wireMatches } from "../wire/sequence.ts";

/** Where a case observes: raw system calls, Deno's API, or the wire. */
export type Layer = "syscall" | "deno" | "wire";

/** All layers, in report order. */
export const LAYERS: readonly Layer[] = ["syscall", "deno", "wire"];

/** What one step of one case is expected to show on one platform. */
export interface Expectation {
  /** The expected observation, or a list of acceptable ones. */
  expect: string | readonly string[];
  /** Where the claim comes from: man page, RFC, kernel source, issue. */
  source: string;
  /** Only for kernel releases in [min, below). */
  kernel?: { min?: string; below?: string };
  /**
   * The platform is known to behave otherwise today: `observed` is what it
   * does, `issue` where that is tracked. Seeing `observed` is reported as a
   * known deviation; seeing `expect` means the deviation was fixed and this
   * entry is out of date.
   */
  knownDeviation?: { observed: string; issue: string };
  /**
   * How an observation is compared with `expect`: exactly (the default), or
   * `"wire"`: `expect` is a wire sequence (`"c:S s:S. c:. c:F. s:. s:P.(3)
   * c:R"`, notation in `lib/wire_sequence.ts`) and the captured sequence
   * matches it up to the tolerated pure ACKs.
   */
  compare?: "exact" | "wire";
}

/** Steps of one case at one layer, by step name. */
export type StepTable = Record<string, Expectation | readonly Expectation[]>;

/** One platform's expectations: case id → layer → steps. */
export type PlatformTable = Record<string, Partial<Record<Layer, StepTable>>>;

/** The tables by OS. */
export const EXPECTATIONS: Record<Exclude<OsName, "other">, PlatformTable> = {
  linux,
  darwin,
  freebsd,
  windows,
};

function inRange(kernel: string, range: Expectation["kernel"]): boolean {
  if (!range) return true;
  if (range.min && compareReleases(kernel, range.min) < 0) return false;
  if (range.below && compareReleases(kernel, range.below) >= 0) return false;
  return true;
}

/**
 * The expectation for a step on a platform, or `undefined` when none is
 * recorded (the step is then "unjudged": observed and shown, not judged).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { expectationFor } from "./lookup.ts";
 * const linux = { os: "linux", kernel: "6.1.0-56-amd64", arch: "x86_64", deno: "2.9.6", v8: "" } as const;
 * const e = expectationFor(linux, "tcp-write-after-peer-close", "syscall", "server write() #2");
 * assertEquals(e?.expect, "-1 EPIPE");
 * ```
 */
export function expectationFor(
  platform: Platform,
  caseId: string,
  layer: Layer,
  step: string,
  tables: Partial<Record<OsName, PlatformTable>> = EXPECTATIONS,
): Expectation | undefined {
  const entry = tables[platform.os]?.[caseId]?.[layer]?.[step];
  if (!entry) return undefined;
  const candidates: readonly Expectation[] = Array.isArray(entry)
    ? entry
    : [entry as Expectation];
  return candidates.find((e) => inRange(platform.kernel, e.kernel));
}

/** Whether `observed` is one of the values an expectation accepts. */
export function matches(expectation: Expectation, observed: string): boolean {
  const accepted = typeof expectation.expect === "string"
    ? [expectation.expect]
    : expectation.expect;
  return expectation.compare === "wire"
    ? accepted.some((sequence) => wireMatches(sequence, observed))
    : accepted.includes(observed);
}

/** The expected value(s) as one line: `"-1 EPIPE"`, `"FIN_WAIT1 or FIN_WAIT2"`. */
export function describeExpected(expectation: Expectation): string {
  return typeof expectation.expect === "string"
    ? expectation.expect
    : expectation.expect.join(" or ");
}

/** Every step named for a case and layer on any platform (for listings). */
export function knownSteps(caseId: string, layer: Layer): string[] {
  const steps = new Set<string>();
  for (const table of Object.values(EXPECTATIONS)) {
    for (const step of Object.keys(table[caseId]?.[layer] ?? {})) {
      steps.add(step);
    }
  }
  return [...steps];
}
