/**
 * Looking up and applying expectations: which entry holds for a step on a
 * platform, whether an observation matches it, and how a case's own
 * expectations are laid over the built-in tables.
 *
 * @module
 */

import { compareReleases, type Platform } from "../platform/mod.ts";
import { wireMatches } from "../wire/sequence.ts";
import type {
  CaseExpectations,
  Expectation,
  ExpectationTables,
  Layer,
  PlatformTable,
} from "./types.ts";
import { EXPECTATIONS } from "./tables.ts";

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
  tables: ExpectationTables = EXPECTATIONS,
): Expectation | undefined {
  const entry = tables[platform.os]?.[caseId]?.[layer]?.[step];
  if (!entry) return undefined;
  const candidates: readonly Expectation[] = Array.isArray(entry)
    ? entry
    : [entry as Expectation];
  return candidates.find((e) => inRange(platform.kernel, e.kernel));
}

/**
 * The tables a case is judged by: `base` (the built-in tables by default)
 * with a case's own expectations laid over its steps at its layer. A step
 * the case names replaces the built-in entry of that name; every other
 * built-in step stays. `base` is never modified.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { withCaseExpectations } from "./lookup.ts";
 * const tables = withCaseExpectations("my-case", "syscall", {
 *   linux: { "read()": { expect: "0", source: "recv(2)" } },
 * });
 * assertEquals(tables.linux?.["my-case"]?.syscall?.["read()"], { expect: "0", source: "recv(2)" });
 * ```
 */
export function withCaseExpectations(
  caseId: string,
  layer: Layer,
  own: CaseExpectations | undefined,
  base: ExpectationTables = EXPECTATIONS,
): ExpectationTables {
  if (!own) return base;
  const merged: ExpectationTables = { ...base };
  for (const [os, steps] of Object.entries(own)) {
    if (!steps) continue;
    const key = os as keyof ExpectationTables;
    const table: PlatformTable = { ...merged[key] };
    const layers = { ...table[caseId] };
    layers[layer] = { ...layers[layer], ...steps };
    table[caseId] = layers;
    merged[key] = table;
  }
  return merged;
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
export function knownSteps(
  caseId: string,
  layer: Layer,
  tables: ExpectationTables = EXPECTATIONS,
): string[] {
  const steps = new Set<string>();
  for (const table of Object.values(tables)) {
    for (const step of Object.keys(table?.[caseId]?.[layer] ?? {})) {
      steps.add(step);
    }
  }
  return [...steps];
}
