/**
 * The kit's own speed: whole-kit wall times (warm: helper built; cold: the
 * helper's cache key removed so gcc runs again), layers run alone, per-case
 * medians, and the ratio to `deno test` on an empty file on the same
 * machine, measured side by side in one run; and where the warm kit's time
 * goes: Deno's start-up, the kit's own, loading the case files (as one
 * module, and one isolate per file as `deno test` would), and the cases.
 *
 * @module
 */

import type { KitReport } from "../report/report.ts";
import { type Distribution, distribution } from "../soak/stats.ts";

/** Where the time goes, measured beside the kit runs (wall ms per run). */
export interface BenchPhases {
  /** `kit --list` with the catalog cached: the kit's own start-up. */
  kitStartMs?: number[];
  /** One `deno test` loading every case file as one module, running none. */
  loadTogetherMs?: number[];
  /** One `deno test` loading every case file one isolate each, running none. */
  loadPerFileMs?: number[];
  /** How many case files were loaded. */
  files?: number;
  /** How many test processes the kit runs at once. */
  jobs?: number;
  /** Wall ms of the kit run alone for a layer, per run (`--layer`). */
  layers?: Record<string, number[]>;
  /** Wall ms of the warm kit per number of test processes (`--jobs N`). */
  byJobs?: Record<string, number[]>;
}

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
  /** A layer run alone (warm): its wall times and its ratio. */
  layers: { layer: string; ms: Distribution; ratio: number }[];
  /** The warm kit with `--jobs N`: its wall times and its ratio. */
  jobs?: { jobs: number; ms: Distribution; ratio: number }[];
  /** Where the warm kit's time goes (medians), when measured. */
  phases?: {
    kitStartMs?: number;
    loadTogetherMs?: number;
    loadPerFileMs?: number;
    /** (per-file load − together load) / (files − 1): each file's isolate. */
    perFileOverheadMs?: number;
    files?: number;
    jobs?: number;
    /** Sum of the case medians (what the cases themselves take). */
    casesSumMs: number;
    /** The same sum per layer, largest first (what each layer adds). */
    casesByLayerMs: { layer: string; ms: number; rows: number }[];
  };
  /** Per case and layer: median wall ms of the case body over the warm runs. */
  cases: { id: string; layer: string; medianMs: number }[];
}

const ratio = (a: number, b: number) => Math.round((a / b) * 10) / 10;
const median = (values: number[] | undefined) =>
  values && values.length > 0 ? distribution(values, "ms").median : undefined;

/**
 * Folds wall times and the warm runs' reports into a {@linkcode BenchResult}.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { summarizeBench } from "./bench.ts";
 * const r = summarizeBench([100, 80, 90], [900, 1000], [1500], [], {
 *   layers: { syscall: [450] },
 * });
 * assertEquals([r.emptyTestMs.median, r.warmRatio, r.layers[0].ratio], [90, 10, 5]);
 * ```
 */
export function summarizeBench(
  emptyMs: number[],
  warmMs: number[],
  coldMs: number[],
  warmReports: KitReport[],
  phases: BenchPhases = {},
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
  const cases = [...durations].map(([key, values]) => {
    const [id, layer] = key.split("\u0000");
    return { id, layer, medianMs: distribution(values, "ms").median };
  });
  const layers = Object.entries(phases.layers ?? {})
    .filter(([, values]) => values.length > 0)
    .map(([layer, values]) => {
      const ms = distribution(values, "ms");
      return { layer, ms, ratio: ratio(ms.median, empty.median) };
    });
  const jobs = Object.entries(phases.byJobs ?? {})
    .filter(([, values]) => values.length > 0)
    .map(([n, values]) => {
      const ms = distribution(values, "ms");
      return { jobs: Number(n), ms, ratio: ratio(ms.median, empty.median) };
    })
    .sort((a, b) => a.jobs - b.jobs);
  const together = median(phases.loadTogetherMs);
  const perFile = median(phases.loadPerFileMs);
  const measured = phases.kitStartMs || together !== undefined ||
    perFile !== undefined;
  return {
    emptyTestMs: empty,
    warmKitMs: warm,
    coldKitMs: distribution(coldMs, "ms"),
    warmRatio: ratio(warm.median, empty.median),
    layers,
    ...(jobs.length > 0 ? { jobs } : {}),
    ...(measured
      ? {
        phases: {
          kitStartMs: median(phases.kitStartMs),
          loadTogetherMs: together,
          loadPerFileMs: perFile,
          perFileOverheadMs: together !== undefined && perFile !== undefined &&
              (phases.files ?? 0) > 1
            ? Math.round((perFile - together) / (phases.files! - 1))
            : undefined,
          files: phases.files,
          jobs: phases.jobs,
          casesSumMs: Math.round(cases.reduce((t, c) => t + c.medianMs, 0)),
          casesByLayerMs: byLayer(cases),
        },
      }
      : {}),
    cases,
  };
}

/** Sums case medians per layer, largest first. */
function byLayer(
  cases: { layer: string; medianMs: number }[],
): { layer: string; ms: number; rows: number }[] {
  const sums = new Map<string, { ms: number; rows: number }>();
  for (const c of cases) {
    const s = sums.get(c.layer) ?? { ms: 0, rows: 0 };
    s.ms += c.medianMs;
    s.rows++;
    sums.set(c.layer, s);
  }
  return [...sums].map(([layer, s]) => ({
    layer,
    ms: Math.round(s.ms),
    rows: s.rows,
  })).sort((a, b) => b.ms - a.ms || (a.layer < b.layer ? -1 : 1));
}

/**
 * The bench's table: the wall times and ratios, where the time goes, and
 * each case's median.
 *
 * @example
 * ```ts
 * import { assertStringIncludes } from "@std/assert";
 * import { renderBench, summarizeBench } from "./bench.ts";
 * assertStringIncludes(renderBench(summarizeBench([80], [800], [900], [])), "10.0 x");
 * ```
 */
export function renderBench(r: BenchResult): string {
  const row = (
    name: string,
    d: { median: number; min: number; max: number; count: number },
    tail = "",
  ) =>
    `  ${name.padEnd(38)} ${d.median.toFixed(0).padStart(6)} ms  (min ${
      d.min.toFixed(0)
    }, max ${d.max.toFixed(0)}, ${d.count} runs)${tail}`;
  const line = (name: string, ms: number | undefined, note = "") =>
    ms === undefined
      ? []
      : [`  ${name.padEnd(38)} ${ms.toFixed(0).padStart(6)} ms  ${note}`];
  const idWidth = Math.max(4, ...r.cases.map((c) => c.id.length));
  const layerWidth = Math.max(7, ...r.cases.map((c) => c.layer.length));
  const p = r.phases;
  return [
    row("deno test, empty file", r.emptyTestMs),
    row("whole kit, warm (helper built)", r.warmKitMs),
    row("whole kit, cold (helper rebuilt)", r.coldKitMs),
    `  ${"warm kit / empty deno test".padEnd(38)} ${
      r.warmRatio.toFixed(1).padStart(6)
    } x`,
    ...r.layers.map((l) =>
      row(`${l.layer} layer alone, warm`, l.ms, `  ${l.ratio.toFixed(1)} x`)
    ),
    ...(r.jobs ?? []).map((j) =>
      row(
        `whole kit, warm, --jobs ${j.jobs}`,
        j.ms,
        `  ${j.ratio.toFixed(1)} x`,
      )
    ),
    ...(p
      ? [
        "",
        "  where the warm kit's time goes (medians):",
        ...line("Deno's start-up (empty deno test)", r.emptyTestMs.median),
        ...line("the kit's start-up (--list, cached)", p.kitStartMs),
        ...line(
          "loading the case files as one module",
          p.loadTogetherMs,
          `(${
            p.files ?? "?"
          } files, requirements probed; what a kit process does)`,
        ),
        ...line(
          "loading them one isolate per file",
          p.loadPerFileMs,
          p.perFileOverheadMs !== undefined
            ? `(${p.perFileOverheadMs} ms more per file: plain deno test)`
            : "",
        ),
        ...line(
          "the cases themselves (sum of medians)",
          p.casesSumMs,
          p.jobs ? `(run in ${p.jobs} processes at once)` : "",
        ),
        ...(p.casesByLayerMs ?? []).flatMap((l) =>
          line(
            `  of which ${l.layer}`,
            l.ms,
            `(${l.rows} row${l.rows === 1 ? "" : "s"})`,
          )
        ),
      ]
      : []),
    "",
    `  ${"case".padEnd(idWidth)}  ${"layer".padEnd(layerWidth)}  median`,
    ...r.cases.map((c) =>
      `  ${c.id.padEnd(idWidth)}  ${c.layer.padEnd(layerWidth)}  ${
        c.medianMs.toFixed(0).padStart(4)
      } ms`
    ),
  ].join("\n");
}
