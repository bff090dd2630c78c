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

/** A wire row's replay: its packetdrill row and what it generated. */
interface Replay {
  row: ReportCase;
  scripts: Generated[];
  written: string[];
  /** Settles when every script of the row has run. */
  ran: Promise<void>;
}

/**
 * Replays wire rows by packetdrill: each row's scripts are generated and
 * join a pool that runs a few at a time (one per core by default);
 * {@linkcode PacketdrillReplay.finish} waits for them and gives the
 * `packetdrill` rows in the run's order.
 */
class PacketdrillReplay {
  #options: LayerOptions;
  #run: (name: string, script: string) => Promise<ScriptRun>;
  #pool: Pool;
  #replays = new Map<string, Promise<Replay>>();
  #folder?: Promise<void>;

  constructor(options: LayerOptions) {
    this.#options = options;
    this.#run = options.runScript ??
      ((name: string, script: string) =>
        runScript(name, script, options.runOptions));
    this.#pool = new Pool(options.jobs ?? (navigator.hardwareConcurrency || 1));
  }

  /** Starts replaying `wire` (rows of other layers, or seen before, are ignored). */
  #add(wire: ReportCase): void {
    if (wire.layer !== "wire" || this.#replays.has(wire.id)) return;
    const replay = this.#replay(wire);
    // Failures surface in finish(), not as an unhandled rejection first.
    replay.catch(() => {});
    this.#replays.set(wire.id, replay);
  }

  /** The `packetdrill` rows of `cases`' wire rows, in their order, once run. */
  async finish(cases: readonly ReportCase[]): Promise<LayerResult> {
    for (const c of cases) this.#add(c);
    const out: LayerResult = { rows: [], scripts: [], written: [] };
    for (const c of cases) {
      if (c.layer !== "wire") continue;
      const replay = await this.#replays.get(c.id)!;
      await replay.ran;
      out.rows.push(replay.row);
      out.scripts.push(...replay.scripts);
      out.written.push(...replay.written);
    }
    return out;
  }

  async #replay(wire: ReportCase): Promise<Replay> {
    const options = this.#options;
    const row: ReportCase = {
      id: wire.id,
      layer: "packetdrill",
      status: "skipped",
      summary: wire.summary,
      timings: [],
      steps: [],
      ...(wire.file ? { file: wire.file } : {}),
    };
    const replay: Replay = {
      row,
      scripts: [],
      written: [],
      ran: Promise.resolve(),
    };
    if (wire.status === "skipped" && !wire.trace) {
      row.reason = `the wire case did not run: ${wire.reason ?? "skipped"}`
        .split("\n")[0];
      return replay;
    }
    replay.scripts = scriptsForResult(
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
    const runs: Promise<number>[] = [];
    for (const g of replay.scripts) {
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
        const dir = options.writeDir.replace(/\/+$/, "");
        this.#folder ??= Deno.mkdir(dir, { recursive: true });
        await this.#folder;
        const path = `${dir}/${g.name}`;
        await Deno.writeTextFile(path, g.script);
        replay.written.push(path);
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
      runs.push(this.#pool.run(async () => {
        const verdict = await this.#run(g.name, g.script);
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
        return verdict.durationMs;
      }));
    }
    replay.ran = Promise.all(runs).then((durations) => judge(row, durations));
    return replay;
  }
}

/** Settles a packetdrill row from its steps, once its scripts have run. */
function judge(row: ReportCase, durations: number[]): void {
  if (row.steps.length === 0) {
    // Never a pass without a script: the wire case did not run, or its
    // capture gave nothing to replay.
    row.reason ??= "no script was generated from the wire case's capture";
    return;
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
  row.durationMs = Math.round(durations.reduce((a, b) => a + b, 0));
}

/** At most `size` tasks at a time, started in the order they were given. */
class Pool {
  #free: number;
  #waiting: (() => void)[] = [];

  constructor(size: number) {
    this.#free = Math.max(1, Math.floor(size));
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((go) => this.#waiting.push(go));
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    }
  }
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
  return await new PacketdrillReplay(options).finish(cases);
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
  const made = await new PacketdrillReplay(options).finish(rows);
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
