/**
 * The kit's own speed: whole-kit wall times (warm: helper built; cold: the
 * helper's cache key removed so gcc runs again), per-case medians, and the
 * ratio to `deno test` on an empty file on the same machine, measured side
 * by side in one run.
 *
 * @module
 */

import type { KitReport } from "../report/report.ts";
import { type Distribution, distribution } from "../soak/stats.ts";

/** What one bench run measured. */
export interface BenchResult {
  /** Wall ms of `deno test` on an empty test file, per run. */
  emptyTestMs: Distribution;
  /** Wall ms of the whole kit with the helper already built. */
  warmKitMs: Distribution;
  /** Wall ms of the whole kit after removing the helper's cache key. */
  coldKitMs: Distribution;
  /** Median warm kit time over median empty `deno test` time. */
  warmRatio: number;
  /** Per case and layer: median wall ms of the case body over the warm runs. */
  cases: { id: string; layer: string; medianMs: number }[];
}

/**
 * Folds wall times and the warm runs' reports into a {@linkcode BenchResult}.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { summarizeBench } from "./bench.ts";
 * const r = summarizeBench([100, 80, 90], [900, 1000], [1500], []);
 * assertEquals([r.emptyTestMs.median, r.warmRatio], [90, 10]);
 * ```
 */
export function summarizeBench(
  emptyMs: number[],
  warmMs: number[],
  coldMs: number[],
  warmReports: KitReport[],
): BenchResult {
  const durations = new Map<string, number[]>();
  for (const report of warmReports) {
    for (const c of report.cases) {
      if (c.durationMs === undefined) continue;
      const key = `${c.id}\u0000${c.layer}`;
      durations.set(key, [...(durations.get(key) ?? []), c.durationMs]);
    }
  }
  const empty = distribution(emptyMs, "ms");
  const warm = distribution(warmMs, "ms");
  return {
    emptyTestMs: empty,
    warmKitMs: warm,
    coldKitMs: distribution(coldMs, "ms"),
    warmRatio: Math.round((warm.median / empty.median) * 10) / 10,
    cases: [...durations].map(([key, values]) => {
      const [id, layer] = key.split("\u0000");
      return { id, layer, medianMs: distribution(values, "ms").median };
    }),
  };
}

/** The bench's table. */
export function renderBench(r: BenchResult): string {
  const row = (
    name: string,
    d: { median: number; min: number; max: number; count: number },
  ) =>
    `  ${name.padEnd(34)} ${d.median.toFixed(0).padStart(6)} ms  (min ${
      d.min.toFixed(0)
    }, max ${d.max.toFixed(0)}, ${d.count} runs)`;
  const idWidth = Math.max(4, ...r.cases.map((c) => c.id.length));
  return [
    row("deno test, empty file", r.emptyTestMs),
    row("whole kit, warm (helper built)", r.warmKitMs),
    row("whole kit, cold (helper rebuilt)", r.coldKitMs),
    `  warm kit / empty deno test        ${r.warmRatio.toFixed(1)} x`,
    "",
    `  ${"case".padEnd(idWidth)}  layer    median`,
    ...r.cases.map((c) =>
      `  ${c.id.padEnd(idWidth)}  ${c.layer.padEnd(7)}  ${
        c.medianMs.toFixed(0).padStart(4)
      } ms`
    ),
  ].join("\n");
}
