/**
 * What many runs of the kit add up to: per case and layer, how often each
 * status came out, and the spread of every timing figure. A conformance kit
 * that flakes is worse than none; this is how a flake shows.
 *
 * @module
 */

import type { ReportCase } from "../report/report.ts";
import type { Status } from "../case/result.ts";

/** The spread of one figure over runs. */
export interface Distribution {
  /** How many runs measured it. */
  count: number;
  /** Smallest value. */
  min: number;
  /** Median (the lower middle value for an even count). */
  median: number;
  /** 95th percentile, nearest rank. */
  p95: number;
  /** Largest value. */
  max: number;
  /** The unit of the values. */
  unit: string;
}

/** One case at one layer over every run. */
export interface SoakRow {
  /** Case id. */
  id: string;
  /** Layer. */
  layer: string;
  /** Runs by status. */
  counts: Record<Status, number>;
  /** Whether the outcome varied between runs (a flake), or failed at all. */
  flaky: boolean;
  /** Timing figures by name. */
  timings: Record<string, Distribution>;
  /** The distinct failures seen: the step with expected and observed, or
   * the first line of the reason when no step decided it. */
  failures: string[];
}

const STATUSES: Status[] = [
  "passed",
  "failed",
  "skipped",
  "known-deviation",
  "unjudged",
];

/**
 * Nearest-rank percentile of sorted values (`q` in 0..1).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { percentile } from "./stats.ts";
 * assertEquals(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95), 10);
 * assertEquals(percentile([1, 2, 3, 4], 0.5), 2);
 * ```
 */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

/** The distribution of `values` (which need not be sorted). */
export function distribution(
  values: readonly number[],
  unit: string,
): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    min: sorted[0],
    median: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    max: sorted[sorted.length - 1],
    unit,
  };
}

/**
 * Folds the rows of many runs (each run: the report's `cases`) into one
 * row per case and layer. A row is flaky when its status differed between
 * runs or any run failed.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { aggregateRuns } from "./stats.ts";
 * const row = (status: "passed" | "failed") => ({
 *   id: "x", layer: "syscall" as const, status, summary: "", steps: [],
 *   timings: [{ name: "RST", value: 10, unit: "us" as const }],
 * });
 * const [r] = aggregateRuns([[row("passed")], [row("failed")]]);
 * assertEquals([r.counts.passed, r.counts.failed, r.flaky], [1, 1, true]);
 * ```
 */
export function aggregateRuns(
  runs: readonly (readonly ReportCase[])[],
): SoakRow[] {
  const rows = new Map<
    string,
    SoakRow & { values: Map<string, { unit: string; values: number[] }> }
  >();
  for (const cases of runs) {
    for (const c of cases) {
      const key = `${c.id}\u0000${c.layer}`;
      let row = rows.get(key);
      if (!row) {
        row = {
          id: c.id,
          layer: c.layer,
          counts: Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<
            Status,
            number
          >,
          flaky: false,
          timings: {},
          failures: [],
          values: new Map(),
        };
        rows.set(key, row);
      }
      row.counts[c.status]++;
      if (c.status === "failed") {
        const why = c.step !== undefined
          ? `"${c.step}": expected ${c.expected}, observed ${c.observed}`
          : (c.reason ?? "failed").split("\n")[0];
        if (!row.failures.includes(why)) row.failures.push(why);
      }
      for (const t of c.timings) {
        const v = row.values.get(t.name) ?? { unit: t.unit, values: [] };
        v.values.push(t.value);
        row.values.set(t.name, v);
      }
    }
  }
  return [...rows.values()].map(({ values, ...row }) => {
    const outcomes = STATUSES.filter((s) => row.counts[s] > 0);
    row.flaky = outcomes.length > 1 || row.counts.failed > 0;
    for (const [name, v] of values) {
      row.timings[name] = distribution(v.values, v.unit);
    }
    return row;
  });
}

function figure(d: Distribution): string {
  const f = (v: number) => v >= 100 ? v.toFixed(0) : v.toFixed(1);
  const unit = d.unit === "us" ? "µs" : d.unit;
  return `${f(d.min)} / ${f(d.median)} / ${f(d.p95)} / ${f(d.max)} ${unit}`;
}

/**
 * The soak table: one row per case and layer with its counts, then one
 * indented line per timing figure (min / median / p95 / max), then the
 * distinct failure reasons.
 *
 * @example
 * ```ts
 * import { assertStringIncludes } from "@std/assert";
 * import { aggregateRuns, renderSoakTable } from "./stats.ts";
 * const rows = aggregateRuns([[{ id: "x", layer: "deno", status: "passed", summary: "", steps: [], timings: [] }]]);
 * assertStringIncludes(renderSoakTable(rows), "x");
 * ```
 */
export function renderSoakTable(rows: readonly SoakRow[]): string {
  const idWidth = Math.max(4, ...rows.map((r) => r.id.length));
  const lines = [
    `  ${
      "case".padEnd(idWidth)
    }  layer    passed  failed  skipped  deviation  unjudged`,
  ];
  for (const r of rows) {
    const c = r.counts;
    lines.push(
      `${r.flaky ? "! " : "  "}${r.id.padEnd(idWidth)}  ${r.layer.padEnd(7)}  ${
        String(c.passed).padStart(6)
      }  ${String(c.failed).padStart(6)}  ${String(c.skipped).padStart(7)}  ${
        String(c["known-deviation"]).padStart(9)
      }  ${String(c.unjudged).padStart(8)}`,
    );
    for (const [name, d] of Object.entries(r.timings)) {
      lines.push(`      ${name}: ${figure(d)} (min / median / p95 / max)`);
    }
    for (const why of r.failures) lines.push(`      failed: ${why}`);
  }
  return lines.join("\n");
}
