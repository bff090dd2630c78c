/**
 * `deno task bench [--runs N] [--json FILE]`: the kit's own speed on this
 * machine, measured side by side in one run: `deno test` on an empty file,
 * the whole kit warm and cold, the syscall and deno layers alone, where the
 * time goes (the kit's start-up, loading the case files as one module and
 * one isolate per file) and each case's median.
 *
 * @module
 */

import { renderBench, summarizeBench } from "../lib/bench/bench.ts";
import {
  parseFlags,
  runCommand,
  UsageError,
} from "../lib/runner/command_line.ts";
import { helperFiles } from "../lib/helper/build.ts";
import { cacheDir } from "../lib/platform/mod.ts";
import { prepareOutputPath, writeOutput } from "../lib/runner/output_path.ts";
import { checkLaunch } from "../lib/runner/launch.ts";
import { type KitReport, parseKitReport } from "../lib/report/report.ts";
import { runDenoTest } from "../lib/runner/deno_test_process.ts";
import { findTestFiles } from "../lib/runner/runner.ts";
import { parseJobs } from "../lib/runner/args.ts";

const HELP = `Usage: deno task bench [--runs N] [--jobs LIST] [--json FILE]

Measures, side by side: \`deno test\` on an empty file, the whole kit warm
(helper already built) and cold (helper cache key removed, so gcc runs), the
syscall and deno layers alone, where the time goes (the kit's start-up, one
test process loading every case file as one module, and one isolate per file
as plain \`deno test\` would), and each case's median time over the warm runs.

  --runs N     measured runs of each (default 3; one unmeasured warm-up first)
  --jobs LIST  also time the warm kit with these numbers of test processes at
               once (comma-separated, e.g. 1,2,4; the default is one per core)
  --json FILE  write the figures as JSON (under reports/)
  -h, --help   this text`;

const EMPTY_TEST = "fixtures/bench/empty_test.ts";
const SCRATCH = "reports/.bench";
const KEY_FILE = helperFiles(cacheDir()).key;
const TIMEOUT_MS = 600_000;
/** The layers also timed alone. */
const ALONE = ["syscall", "deno"] as const;
/** A filter no test name matches: the files load, nothing runs. */
const NO_TEST = "/^closewait-bench-loads-only$/";

/** One `deno test` loading the case files (nothing run): wall ms. */
async function loadOnly(files: string[], together: boolean): Promise<number> {
  const started = performance.now();
  const p = await runDenoTest({
    paths: files,
    filter: NO_TEST,
    timeoutMs: TIMEOUT_MS,
    together,
  });
  const ms = performance.now() - started;
  if (!p.output.finished) {
    throw new Error(
      `loading the case files${together ? " as one module" : ""} failed: ${
        p.stderr.trim().split("\n").at(-1) ?? `exit ${p.code}`
      }`,
    );
  }
  return ms;
}

/** Runs deno with `args`, returns the wall time in ms; throws on failure. */
async function timed(args: string[]): Promise<number> {
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args,
    stdout: "null",
    stderr: "piped",
    stdin: "null",
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), TIMEOUT_MS);
  const [status, stderr] = await Promise.all([
    child.status,
    new Response(child.stderr).text(),
  ]).finally(() => clearTimeout(timer));
  const ms = performance.now() - started;
  // The kit exits 1 when a case failed: still a timing, but say so.
  if (
    status.code !== 0 && !(args.includes("scripts/kit.ts") && status.code === 1)
  ) {
    throw new Error(
      `deno ${args.join(" ")} exited ${status.code}: ${
        stderr.trim().split("\n").at(-1)
      }`,
    );
  }
  return ms;
}

async function main(args: string[]): Promise<number> {
  const { help, strings: flags } = parseFlags(args, {
    string: ["runs", "json", "jobs"],
  });
  if (help) {
    console.log(HELP);
    return 0;
  }
  checkLaunch("bench");
  const runsText = flags.runs ?? "3";
  if (!/^\d+$/.test(runsText) || Number(runsText) < 1) {
    throw new UsageError(`--runs ${runsText}: not a positive whole number`);
  }
  const runs = Number(runsText);
  const jobsList = flags.jobs === undefined
    ? []
    : [...new Set(flags.jobs.split(",").map((j) => parseJobs(j.trim())))];
  const json = flags.json;
  if (json) {
    await prepareOutputPath(
      "--json",
      json,
      "bench writes only under reports/, e.g. --json reports/bench.json",
    );
  }
  await Deno.mkdir(SCRATCH, { recursive: true });

  const kit = (
    out: string,
  ) => ["run", "-P=kit", "scripts/kit.ts", "--json", out];
  const empty: number[] = [];
  const warm: number[] = [];
  const cold: number[] = [];
  const reports: KitReport[] = [];
  const layers: Record<string, number[]> = {};
  const byJobs: Record<string, number[]> = {};
  const kitStart: number[] = [];
  const loadTogether: number[] = [];
  const loadPerFile: number[] = [];
  const files = await findTestFiles("cases");
  console.error(
    "warming up (unmeasured: a kit run, each layer, each load) ...",
  );
  await timed(kit(`${SCRATCH}/warmup.json`));
  for (const layer of ALONE) {
    await timed([...kit(`${SCRATCH}/warmup-${layer}.json`), "--layer", layer]);
  }
  await loadOnly(files, true);
  await loadOnly(files, false);
  for (let i = 0; i < runs; i++) {
    console.error(
      `run ${i + 1}/${runs}: empty deno test, warm kit, ${
        ALONE.join(" and ")
      } alone, ${
        jobsList.map((j) => `--jobs ${j}, `).join("")
      }kit start-up, loading the cases, cold kit`,
    );
    empty.push(await timed(["test", "-P", EMPTY_TEST]));
    const out = `${SCRATCH}/warm-${i}.json`;
    warm.push(await timed(kit(out)));
    reports.push(parseKitReport(await Deno.readTextFile(out)));
    for (const layer of ALONE) {
      (layers[layer] ??= []).push(
        await timed([
          ...kit(`${SCRATCH}/${layer}-${i}.json`),
          "--layer",
          layer,
        ]),
      );
    }
    for (const jobs of jobsList) {
      (byJobs[jobs] ??= []).push(
        await timed([
          ...kit(`${SCRATCH}/jobs-${jobs}-${i}.json`),
          "--jobs",
          String(jobs),
        ]),
      );
    }
    kitStart.push(await timed(["run", "-P=kit", "scripts/kit.ts", "--list"]));
    loadTogether.push(await loadOnly(files, true));
    loadPerFile.push(await loadOnly(files, false));
    await Deno.remove(KEY_FILE).catch(() => {});
    cold.push(await timed(kit(`${SCRATCH}/cold-${i}.json`)));
  }
  const result = summarizeBench(empty, warm, cold, reports, {
    kitStartMs: kitStart,
    loadTogetherMs: loadTogether,
    loadPerFileMs: loadPerFile,
    files: files.length,
    jobs: navigator.hardwareConcurrency || 1,
    layers,
    byJobs,
  });
  const env = reports[0]?.environment;
  if (env) {
    console.log(
      `on ${env.os} ${env.kernel} (${env.arch}), ${navigator.hardwareConcurrency} cores, Deno ${env.deno}`,
    );
  }
  console.log(renderBench(result));
  if (json) {
    await writeOutput(
      "--json",
      json,
      JSON.stringify({ environment: env, ...result }, null, 2) + "\n",
    );
    console.log(`wrote ${json}`);
  }
  return 0;
}

if (import.meta.main) await runCommand(main);
