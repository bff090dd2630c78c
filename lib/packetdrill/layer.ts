/**
 * The `packetdrill` layer of a kit run: for every wire case that ran, its
 * scripts (one per address family it captured) generated from the run's
 * own transcript and trace, optionally written to a folder, and run by
 * packetdrill: one report row per case, one step per script.
 *
 * A row is **passed** when every script passed, **failed** with
 * packetdrill's own message when one failed, and **skipped** with the
 * reason when a script could not be run here (no root, no packetdrill:
 * the reason says how to get it) or not generated (the reason why); a
 * script not generated is never passed.
 *
 * @module
 */

import type { ReportCase } from "../report/report.ts";
import type { HelperTranscript, Status, StepResult } from "../case/result.ts";
import { type Generated, scriptsForResult } from "./generate.ts";
import { type RunOptions, runScript, type ScriptRun } from "./run.ts";

/** Options for {@linkcode packetdrillRows}. */
export interface LayerOptions {
  /** The kit, for the scripts' headers. */
  kit: { name: string; version: string };
  /** The machine, for the scripts' headers (`linux 6.18.44 x86_64`). */
  platform?: string;
  /** A folder to write every generated script to (created if missing). */
  writeDir?: string;
  /** Run the scripts (default true); false: generate and write only. */
  run?: boolean;
  /** How to run a script (tests substitute their own). */
  runScript?: (name: string, script: string) => Promise<ScriptRun>;
  /** Options for the default runner. */
  runOptions?: RunOptions;
  /**
   * How many scripts run at once (default: one per core). Each runs in a
   * namespace of its own, so they cannot meet; most of a run is
   * packetdrill setting up its tun device.
   */
  jobs?: number;
}

/** A case's scripts and their verdicts, as the layer made them. */
export interface LayerResult {
  /** The `packetdrill` rows, one per wire case. */
  rows: ReportCase[];
  /** Every script generated (or not), in row order. */
  scripts: Generated[];
  /** The files written, if a folder was given. */
  written: string[];
}

const RANK: Record<string, number> = { passed: 0, skipped: 1, failed: 2 };

function worst(statuses: Status[]): Status {
  return statuses.reduce<Status>(
    (w, s) => (RANK[s] ?? 0) > (RANK[w] ?? 0) ? s : w,
    "passed",
  );
}

/**
 * The `packetdrill` rows of a run, from its wire rows (other rows are
 * ignored), each placed by the caller after its wire row.
 *
 * @example
 * ```ts ignore
 * import { packetdrillRows } from "./layer.ts";
 * const { rows } = await packetdrillRows(wireRows, { kit, writeDir: "reports/pkt" });
 * ```
 */
export async function packetdrillRows(
  cases: readonly ReportCase[],
  options: LayerOptions,
): Promise<LayerResult> {
  const run = options.runScript ??
    ((name: string, script: string) =>
      runScript(name, script, options.runOptions));
  const rows: ReportCase[] = [];
  const scripts: Generated[] = [];
  const written: string[] = [];
  const toRun: {
    row: ReportCase;
    step: StepResult;
    name: string;
    script: string;
  }[] = [];
  if (options.writeDir) await Deno.mkdir(options.writeDir, { recursive: true });
  for (const wire of cases) {
    if (wire.layer !== "wire") continue;
    const row: ReportCase = {
      id: wire.id,
      layer: "packetdrill",
      status: "skipped",
      summary: wire.summary,
      timings: [],
      steps: [],
      ...(wire.file ? { file: wire.file } : {}),
    };
    rows.push(row);
    if (wire.status === "skipped" && !wire.trace) {
      row.reason =
        `the wire case did not run: ${wire.reason ?? "skipped"}`.split("\n")[0];
      continue;
    }
    const generated = scriptsForResult(
      {
        id: wire.id,
        layer: "wire",
        summary: wire.summary,
        trace: wire.trace,
        // The case record's transcripts, as the report row carries them.
        transcripts: (wire as { transcripts?: HelperTranscript[] })
          .transcripts,
      },
      options.kit,
      options.platform,
    );
    scripts.push(...generated);
    for (const g of generated) {
      const name = g.ok
        ? g.name
        : `${g.caseId}${g.family ? `.${g.family}` : ""}.pkt`;
      if (!g.ok) {
        row.steps.push({
          step: name,
          observed: `not generated: ${g.reason}`,
          status: "skipped",
        });
        continue;
      }
      if (options.writeDir) {
        const path = `${options.writeDir.replace(/\/+$/, "")}/${g.name}`;
        await Deno.writeTextFile(path, g.script);
        written.push(path);
      }
      const step: StepResult = {
        step: name,
        expected: "packetdrill passes",
        observed: "not run",
        detail: g.script,
        status: "skipped",
      };
      row.steps.push(step);
      if (options.run === false) {
        step.observed = "not run (generated only)";
        continue;
      }
      toRun.push({ row, step, name: g.name, script: g.script });
    }
  }
  // Every script in a namespace of its own: a few at once.
  const durations = new Map<ReportCase, number>();
  await inPool(
    toRun,
    options.jobs ?? (navigator.hardwareConcurrency || 1),
    async ({ row, step, name, script }) => {
      const verdict = await run(name, script);
      durations.set(row, (durations.get(row) ?? 0) + verdict.durationMs);
      step.status = verdict.status;
      // A skipped step's status already says so: its observation is why.
      step.observed = verdict.status === "passed"
        ? "passed"
        : verdict.status === "skipped"
        ? verdict.message ?? "not run"
        : `${verdict.status}: ${verdict.message ?? ""}`;
      if (verdict.retriedAfter) {
        step.observed +=
          ` (on a second run; the first: ${verdict.retriedAfter})`;
      }
    },
  );
  for (const row of rows) {
    if (row.steps.length === 0) {
      // Never a pass without a script: the wire case did not run, or its
      // capture gave nothing to replay.
      row.reason ??= "no script was generated from the wire case's capture";
      continue;
    }
    row.status = worst(row.steps.map((s) => s.status));
    const deciding = row.steps.find((s) => s.status === row.status);
    if (row.status !== "passed" && deciding) {
      row.step = deciding.step;
      row.observed = deciding.observed.split("\n")[0];
      if (deciding.expected) row.expected = deciding.expected;
      row.reason = deciding.observed;
    }
    // The row's own scripts' run times, however they overlapped others.
    row.durationMs = Math.round(durations.get(row) ?? 0);
  }
  return { rows, scripts, written };
}

/** Runs `work` on every item, at most `size` at a time, in item order. */
async function inPool<T>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(size, items.length)) }, worker),
  );
}

/**
 * The rows of a kit run with its `packetdrill` rows added, each right
 * after its wire row, and the script files written (when `writeDir` is
 * given).
 *
 * @example
 * ```ts ignore
 * import { addPacketdrillLayer } from "./layer.ts";
 * const { rows, written } = await addPacketdrillLayer(rows, { kit, writeDir: "reports/pkt" });
 * ```
 */
export async function addPacketdrillLayer(
  rows: readonly ReportCase[],
  options: LayerOptions,
): Promise<{ rows: ReportCase[]; written: string[] }> {
  const made = await packetdrillRows(rows, options);
  const out: ReportCase[] = [];
  for (const row of rows) {
    out.push(row);
    if (row.layer !== "wire") continue;
    const mine = made.rows.find((r) => r.id === row.id);
    if (mine) out.push(mine);
  }
  return { rows: out, written: made.written };
}

/**
 * Checks, before a run, that `dir` can take the scripts: writable under
 * this process's permissions and not an existing file. Returns the reason
 * it cannot, or `undefined`.
 *
 * @example
 * ```ts ignore
 * import { scriptFolderProblem } from "./layer.ts";
 * const why = await scriptFolderProblem("reports/pkt");
 * ```
 */
export async function scriptFolderProblem(
  dir: string,
): Promise<string | undefined> {
  const state = (await Deno.permissions.query({ name: "write", path: dir }))
    .state;
  if (state !== "granted") {
    return "not writable with this process's permissions";
  }
  try {
    const info = await Deno.stat(dir);
    if (!info.isDirectory) return "exists and is not a folder";
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) return (e as Error).message;
  }
  return undefined;
}
