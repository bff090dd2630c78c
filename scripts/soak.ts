/**
 * `deno task soak`: hunts flakes. Runs the kit's cases N times in a row
 * (optionally with every core kept busy), then prints per case and layer
 * how the runs came out and how the timing figures spread, and checks that
 * nothing of the kit was left behind.
 *
 * @module
 */

import { setColorEnabled } from "@std/fmt/colors";
import { CpuBurner } from "../lib/soak/cpu_burner.ts";
import { cachedCatalog } from "../lib/runner/catalog_cache.ts";
import { kitTestRunner } from "../lib/runner/kit_test_runner.ts";
import { Interrupt } from "../lib/runner/interrupt.ts";
import { checkLaunch } from "../lib/runner/launch.ts";
import { runCommand, UsageError } from "../lib/runner/command_line.ts";
import { loadCatalog, select } from "../lib/runner/runner.ts";
import { runKit } from "../lib/runner/kit_run.ts";
import config from "../deno.json" with { type: "json" };
import { findLeftovers, loopbackConnections } from "../lib/soak/leak_check.ts";
import {
  checkOutputPath,
  prepareOutputPath,
  writeOutput,
} from "../lib/runner/output_path.ts";
import type { KitInfo, ReportCase } from "../lib/report/report.ts";
import {
  escapesAllowed,
  RunProgress,
  terminalType,
} from "../lib/runner/progress.ts";
import { parseSoakArgs, SOAK_HELP } from "../lib/soak/args.ts";
import { aggregateRuns, renderSoakTable } from "../lib/soak/stats.ts";

const KIT: KitInfo = { name: config.name, version: config.version };

const WRITE_HINT =
  "soak writes only under reports/ (deno.json permissions.soak), e.g. --json reports/soak.json";

async function main(args: string[]): Promise<number> {
  const opts = parseSoakArgs(args);
  if (opts.help) {
    console.log(SOAK_HELP);
    return 0;
  }
  checkLaunch("soak");
  setColorEnabled(
    escapesAllowed(Deno.stdout.isTerminal(), terminalType()) && !Deno.noColor,
  );
  // Ctrl-C or SIGTERM: the test process's whole process group is ended;
  // the interrupted run is dropped and what finished is reported.
  using interrupt = new Interrupt();
  // Every process of this soak carries its id: the leak check counts only
  // those, not a tcpdump somebody else runs.
  const runId = crypto.randomUUID();
  const run = kitTestRunner(interrupt.signal, opts.require, runId);
  if (opts.json) await checkOutputPath("--json", opts.json, WRITE_HINT);

  const catalog = await cachedCatalog(
    "cases",
    () => loadCatalog("cases", run),
  );
  if (interrupt.signal.aborted) return interrupt.exitCode;
  const selection = select(catalog, opts.filter, opts.layer);
  if (!selection) {
    throw new UsageError(
      "no case matches the selection (see deno task kit --list)",
    );
  }
  if (opts.json) await prepareOutputPath("--json", opts.json, WRITE_HINT);

  const before = await loopbackConnections();
  const runs: ReportCase[][] = [];
  const durations: number[] = [];
  let failedRuns = 0;
  const progress = new RunProgress();
  const started = performance.now();
  try {
    using burner = opts.stress ? CpuBurner.start() : undefined;
    const load = burner ? `under load (${burner.size} spinning workers)` : "";
    progress.show(0, opts.runs, 0, load);
    for (let i = 0; i < opts.runs && !interrupt.signal.aborted; i++) {
      const runStarted = performance.now();
      const { rows } = await runKit(selection, run, {
        signal: interrupt.signal,
        jobs: opts.jobs,
      }, { kit: KIT });
      if (interrupt.signal.aborted) break; // the interrupted run is dropped
      durations.push(performance.now() - runStarted);
      runs.push(rows);
      if (rows.some((r) => r.status === "failed")) failedRuns++;
      progress.show(runs.length, opts.runs, failedRuns, load);
    }
  } finally {
    progress.clear();
  }

  const interrupted = interrupt.signal.aborted;
  const rows = aggregateRuns(runs);
  const left = await findLeftovers(before, 200, runId);
  const wall = (performance.now() - started) / 1000;
  console.log(renderSoakTable(rows));
  console.log("");
  const sorted = [...durations].sort((a, b) => a - b);
  console.log(
    `${runs.length}/${opts.runs} runs${interrupted ? " (interrupted)" : ""}${
      opts.stress ? " under --stress" : ""
    }, ${failedRuns} with a failure, ${
      rows.filter((r) => r.flaky).length
    } flaky case/layer rows; ` +
      `${wall.toFixed(1)} s, median run ${
        ((sorted[Math.floor((sorted.length - 1) / 2)] ?? 0) / 1000).toFixed(2)
      } s`,
  );
  console.log(
    `left behind: ${left.processes.length} processes${
      left.processes.length
        ? ` (${left.processes.map((p) => `${p.name} ${p.pid}`).join(", ")})`
        : ""
    }, ${left.connections.length} loopback connections beyond TIME_WAIT${
      left.connections.length
        ? ` (${
          left.connections.map((c) =>
            `${c.local.address}:${c.local.port} ${c.state}`
          ).join(", ")
        })`
        : ""
    }${
      left.unchecked.length ? `; not checked: ${left.unchecked.join("; ")}` : ""
    }`,
  );

  if (opts.json) {
    const summary = {
      runs: runs.length,
      requested: opts.runs,
      interrupted,
      stress: opts.stress,
      failedRuns,
      runSeconds: durations.map((d) => Math.round(d) / 1000),
      rows,
      leftovers: left,
    };
    await writeOutput(
      "--json",
      opts.json,
      JSON.stringify(summary, null, 2) + "\n",
    );
    console.log(`wrote ${opts.json}`);
  }
  const leaked = left.processes.length + left.connections.length > 0;
  return failedRuns > 0 || leaked || interrupted ? 1 : 0;
}

if (import.meta.main) await runCommand(main);
