/**
 * The kit's run, independent of any terminal: read the catalog of cases,
 * select, run them in `deno test` child processes, and turn records and
 * `deno test` verdicts into report rows. Every selected case gets a row:
 * a test that failed without a record, a file that failed to load and a
 * process that died or overran its deadline all show up as failed, with
 * the reason.
 *
 * A process that stops short is not trusted with the files after it: the
 * file it was running takes the blame, the files it never reached run
 * again, and a process that died before running anything (a type error,
 * a missing module) is retried one file at a time so each file is judged
 * on its own.
 *
 * @module
 */

import type { Layer } from "../expectations/mod.ts";
import type {
  TestProcess,
  TestRequest,
  TestRunner,
} from "./deno_test_process.ts";
import { UsageError } from "./command_line.ts";
import type { CaseFilter } from "./args.ts";
import { caseFromResult, type ReportCase } from "../report/report.ts";
import type { CaseResult } from "../case/result.ts";
import type { Requirement } from "../case/requirements.ts";
import { processErrorLine, type TestEvent } from "./test_output.ts";
import { canRunTogether, layerWeight, splitGroups } from "./together.ts";

/** A case at one layer, as the catalog found it. */
export interface CatalogEntry {
  /** Case id. */
  id: string;
  /** Layer. */
  layer: Layer;
  /** The scenario in one sentence. */
  summary: string;
  /** What the machine must have. */
  needs: Requirement[];
  /** The case file (`cases/x_test.ts`). */
  file: string;
  /** Why its file runs apart from the others, if it must. */
  runsAlone?: string;
  /** The kernel timer it waits out, if waiting is its subject. */
  waitsForTimer?: string;
}

/** A case file that could not even be listed. */
export interface FileProblem {
  /** The case file. */
  file: string;
  /** Why, in one line. */
  reason: string;
}

/** What the case files declare. */
export interface Catalog {
  /** Every case and layer, in file order. */
  entries: CatalogEntry[];
  /** Files that failed to load. */
  problems: FileProblem[];
}

/** The test name of a catalog entry: `<id> [<layer>]`. */
export function testName(e: Pick<CatalogEntry, "id" | "layer">): string {
  return `${e.id} [${e.layer}]`;
}

/** Test names of conformance cases (`deno test --filter` value). */
export const CASE_NAME_FILTER = "/ \\[[a-z@]+\\]$/";

/** Deadline of a catalog process (ms): loading only, no type check. */
const LIST_TIMEOUT_MS = 120_000;
/** Deadline of a run: a base plus an allowance per case (ms). */
const RUN_BASE_MS = 120_000;
const RUN_PER_CASE_MS = 30_000;

/** The project root, to shorten file URLs in messages. */
const ROOT = new URL("../../", import.meta.url).href;

const TEST_FILE = /(?:^|[._])test\.(?:ts|tsx|mts|js|mjs|jsx)$/;

/** `./cases/` → `cases`. */
function cleanDir(dir: string): string {
  return dir.replace(/^\.[\\/]/, "").replace(/[\\/]+$/, "") || ".";
}

/**
 * The test files under a directory, as `deno test` would find them
 * (relative paths, sorted). Used when a catalog process dies.
 *
 * @example
 * ```ts ignore
 * import { findTestFiles } from "./runner.ts";
 * console.log(await findTestFiles("cases"));
 * ```
 */
export async function findTestFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for await (const entry of Deno.readDir(d)) {
      const path = `${d}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (TEST_FILE.test(entry.name)) out.push(path);
    }
  };
  await walk(cleanDir(dir));
  return out.sort();
}

/**
 * An id for a file that could not be listed: `cases/tcp_fin_test.ts` →
 * `tcp-fin`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { idFromFile } from "./runner.ts";
 * assertEquals(idFromFile("cases/tcp_fin_reads_zero_test.ts"), "tcp-fin-reads-zero");
 * ```
 */
export function idFromFile(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/[._]test\.\w+$/, "").replaceAll("_", "-");
}

/** One line (or a few) of an error text, without noise. */
function brief(text: string | undefined, lines = 1): string | undefined {
  const kept = (text ?? "").split("\n").map((l) => l.trimEnd())
    .filter((l) => l.trim() !== "").slice(0, lines);
  return kept.length ? kept.join("\n").replace(/^error: /, "") : undefined;
}

/** How a process ended, in words. */
function ending(p: TestProcess, timeoutMs: number): string {
  if (p.timedOut) {
    return `was stopped by the kit after ${Math.round(timeoutMs / 1000)} s`;
  }
  if (p.signal) return `was killed by ${p.signal}`;
  return `exited with code ${p.code}`;
}

/**
 * Reads the catalog: every case file loaded in catalog mode
 * (`CLOSEWAIT_LIST=1`), nothing run. If that process dies, the files it
 * did not reach are listed one by one; a file that still fails is a
 * {@linkcode FileProblem}. A directory that cannot be read is a
 * {@linkcode UsageError}.
 *
 * @example
 * ```ts ignore
 * import { loadCatalog } from "./runner.ts";
 * import { runDenoTest } from "./deno_test_process.ts";
 * const catalog = await loadCatalog("cases", runDenoTest);
 * ```
 */
export async function loadCatalog(
  casesDir: string,
  run: TestRunner,
  listFiles: (dir: string) => Promise<string[]> = findTestFiles,
): Promise<Catalog> {
  const entries: CatalogEntry[] = [];
  const problems: FileProblem[] = [];
  const seen = new Set<string>();
  const take = (p: TestProcess, fallbackFile?: string) => {
    for (const l of p.output.listings) {
      const file = l.file ?? fallbackFile;
      if (file === undefined || seen.has(testName(l))) continue;
      seen.add(testName(l));
      entries.push({
        id: l.id,
        layer: l.layer,
        summary: l.summary,
        needs: l.needs ?? [],
        file,
        ...(l.runsAlone ? { runsAlone: l.runsAlone } : {}),
        ...(l.waitsForTimer ? { waitsForTimer: l.waitsForTimer } : {}),
      });
    }
    for (const [file, text] of p.output.uncaught) {
      if (!entries.some((e) => e.file === file)) {
        problems.push({
          file,
          reason: `failed to load: ${brief(text) ?? "uncaught error"}`,
        });
      }
    }
  };
  const request = (paths: string[]): TestRequest => ({
    paths,
    list: true,
    filter: CASE_NAME_FILTER,
    timeoutMs: LIST_TIMEOUT_MS,
  });
  const all = await run(request([cleanDir(casesDir)]));
  if (all.output.finished && !all.timedOut) {
    take(all);
    return { entries, problems };
  }
  // The catalog process stopped short: list what it did not reach alone.
  take(all);
  const reached = new Set([
    ...all.output.files,
    ...problems.map((p) => p.file),
  ]);
  let files: string[];
  try {
    files = await listFiles(casesDir);
  } catch (e) {
    throw new UsageError(
      `cannot read the case directory ${casesDir}: ${(e as Error).message}`,
    );
  }
  for (const file of files) {
    if (reached.has(file) || entries.some((e) => e.file === file)) continue;
    const one = await run(request([file]));
    const before = entries.length;
    take(one, file);
    const listed = entries.length > before ||
      problems.some((p) => p.file === file);
    if (!listed && !(one.output.finished && !one.timedOut)) {
      const why = processErrorLine(one.stderr, ROOT) ??
        brief(one.output.uncaught.get(file));
      problems.push({
        file,
        reason: `failed to load: deno test ${ending(one, LIST_TIMEOUT_MS)}${
          why ? `: ${why}` : ""
        }`,
      });
    }
  }
  return { entries, problems };
}

/** What to run, after `--filter` and `--layer`. */
export interface Selection {
  /** Selected cases. */
  entries: CatalogEntry[];
  /** Files that failed to load whose derived id matches the filter. */
  problems: FileProblem[];
  /** Whether anything narrowed the selection (so `deno test` is filtered). */
  narrowed: boolean;
}

/**
 * Applies `--filter` and `--layer`. Returns `undefined` when nothing at
 * all matches (the kit then reports bad usage).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { select } from "./runner.ts";
 * const entries = [
 *   { id: "a", layer: "deno" as const, summary: "", needs: [], file: "cases/a_test.ts" },
 *   { id: "a", layer: "syscall" as const, summary: "", needs: [], file: "cases/a_test.ts" },
 * ];
 * assertEquals(select({ entries, problems: [] }, undefined, "deno")?.entries.length, 1);
 * assertEquals(select({ entries, problems: [] }, undefined, "wire"), undefined);
 * ```
 */
export function select(
  catalog: Catalog,
  filter: CaseFilter | undefined,
  layer: Layer | undefined,
  runtimes?: readonly string[],
): Selection | undefined {
  const ids = [
    ...new Set([
      ...catalog.entries.map((e) => e.id),
      ...catalog.problems.map((p) => idFromFile(p.file)),
    ]),
  ];
  const wanted = (id: string) => !filter || filter.matches(id, ids);
  const entries = catalog.entries.filter((e) =>
    wanted(e.id) &&
    // The packetdrill layer replays the wire cases' runs: it needs them.
    (!layer || e.layer === layer ||
      (layer === "packetdrill" && e.layer === "wire"))
  );
  const problems = catalog.problems.filter((p) => wanted(idFromFile(p.file)));
  // --runtime: a node layer (`node@bun`) only for the runtimes named.
  if (runtimes) {
    const other = (e: { layer: string }) =>
      e.layer.startsWith("node@") && !runtimes.includes(e.layer.slice(5));
    entries.splice(0, entries.length, ...entries.filter((e) => !other(e)));
  }
  if (entries.length === 0 && problems.length === 0) return undefined;
  return {
    entries,
    problems,
    narrowed: filter !== undefined || layer !== undefined ||
      runtimes !== undefined,
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/**
 * A `deno test --filter` value selecting exactly these tests.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { exactFilter } from "./runner.ts";
 * assertEquals(exactFilter(["a [deno]"]), "/^(?:a \\[deno\\])$/");
 * ```
 */
export function exactFilter(names: string[]): string {
  return `/^(?:${names.map(escapeRegExp).join("|")})$/`;
}

/** What the run collected about one test. */
interface Evidence {
  record?: CaseResult;
  verdict?: "ok" | "FAILED" | "ignored";
  error?: string;
}

/** Progress of a run, for the kit's progress line. */
export interface Progress {
  /** Selected cases with a verdict so far. */
  done: number;
  /** Selected cases. */
  total: number;
  /** The latest event's test name, when it concerns one. */
  latest?: string;
  /** That test's verdict or recorded status. */
  latestStatus?: string;
  /** The case file running now. */
  file?: string;
}

/** Options for {@linkcode runSelection}. */
export interface RunSelectionOptions {
  /** Called as cases start and finish. */
  onProgress?: (p: Progress) => void;
  /** Aborting it (Ctrl-C) stops the test process and starts no other. */
  signal?: AbortSignal;
  /** Test processes at once (default: one per core). */
  jobs?: number;
}

/**
 * Runs the selected cases and returns one report row per case and layer,
 * plus rows for files that failed to load and for other tests that failed.
 * Aborting `signal` (Ctrl-C) stops the test process and starts no other;
 * the rows are then those of the cases that finished.
 *
 * The files run first as one test module per group (together.ts), up to
 * `jobs` processes at once (one per core by default), so the library loads
 * and requirements are probed once per process; a file that keeps the
 * others from running then runs in an isolate of its own. Files with a
 * case that waits out a kernel timer (`waitsForTimer`) run as one more
 * group beside those, since waiting takes no core. Files with a case that
 * runs alone (`runsAlone`) run after the others, in a process of their own.
 *
 * @example
 * ```ts ignore
 * import { runSelection } from "./runner.ts";
 * import { runDenoTest } from "./deno_test_process.ts";
 * const rows = await runSelection(selection, runDenoTest, {
 *   onProgress: (p) => console.log(p.done, p.total),
 * });
 * ```
 */
export async function runSelection(
  selection: Selection,
  run: TestRunner,
  options: RunSelectionOptions = {},
): Promise<ReportCase[]> {
  const { onProgress, signal } = options;
  const jobs = options.jobs ?? (navigator.hardwareConcurrency || 1);
  const byName = new Map(selection.entries.map((e) => [testName(e), e]));
  const evidence = new Map<string, Evidence>();
  const blame = new Map<string, string>(); // file → why its cases have no verdict
  const uncaught = new Map<string, string>();
  const extra = new Map<string, Evidence>(); // failed tests outside the catalog
  const progress: Progress = { done: 0, total: byName.size };
  const counted = new Set<string>();

  const onEvent = (event: TestEvent) => {
    let name: string | undefined;
    let status: string | undefined;
    if (event.kind === "file") {
      // Files run together show as one entry module: name the case files.
      if (!files.has(event.file)) return;
      progress.file = event.file;
      onProgress?.({ ...progress });
      return;
    }
    if (event.kind === "verdict") {
      name = event.name;
      const file = byName.get(name)?.file;
      if (file !== undefined && file !== progress.file) progress.file = file;
      status = event.verdict === "FAILED" ? "failed" : event.verdict;
    } else if (event.kind === "record") {
      name = testName(event.record);
      status = event.record.status;
    }
    if (name === undefined || !byName.has(name)) return;
    if (event.kind === "verdict" && !counted.has(name)) {
      counted.add(name);
      progress.done = counted.size;
    }
    progress.latest = name;
    progress.latestStatus = status;
    onProgress?.({ ...progress });
  };

  const merge = (p: TestProcess, together: boolean) => {
    for (const record of p.output.records) {
      const name = testName(record);
      if (!byName.has(name)) continue;
      evidence.set(name, { ...evidence.get(name), record });
    }
    for (const [name, v] of p.output.verdicts) {
      const error = p.output.errors.get(name);
      if (byName.has(name)) {
        evidence.set(name, {
          ...evidence.get(name),
          verdict: v.verdict,
          error,
        });
      } else if (v.verdict === "FAILED") {
        extra.set(name, { verdict: v.verdict, error });
      }
    }
    // Run together, an error outside any test names the entry module, not
    // its file: the files it kept from a verdict run again one by one.
    if (together) return;
    for (const [file, text] of p.output.uncaught) uncaught.set(file, text);
  };

  const missing = (file: string) =>
    selection.entries.filter((e) =>
      e.file === file && !blame.has(file) && !uncaught.has(file) &&
      !evidence.get(testName(e))?.verdict && !evidence.get(testName(e))?.record
    );
  const filesOf = (entries: CatalogEntry[]) => [
    ...new Set(entries.map((e) => e.file)),
  ];

  const files = new Set(selection.entries.map((e) => e.file));
  const weights = new Map<string, number>();
  for (const e of selection.entries) {
    weights.set(e.file, (weights.get(e.file) ?? 0) + layerWeight(e.layer));
  }
  const weightOf = (file: string) => weights.get(file) ?? 1;
  const runsAlone = new Set(
    selection.entries.filter((e) => e.runsAlone).map((e) => e.file),
  );
  const waits = new Set(
    selection.entries.filter((e) => e.waitsForTimer && !e.runsAlone)
      .map((e) => e.file),
  );
  let pending = filesOf(selection.entries);
  let oneByOne = false;
  // First the files run as one module (together.ts), for as long as each
  // such round ends cleanly or blames the file of the case it died in.
  let together = canRunTogether(pending);
  // Each round completes or blames a file, or leaves running together, or
  // switches to one file per process (where every round does): this ends
  // within 2 × files + 2 rounds.
  const rounds = 3 * pending.length + 3;
  for (
    let round = 0;
    pending.length > 0 && round < rounds && !signal?.aborted;
    round++
  ) {
    if (together) {
      // One process per group (up to `jobs` at once). A crash or hang
      // inside a case: its file takes the blame, the rest run together
      // again. Anything else (a load or type error, an error outside any
      // test): the files left run one isolate each, in the rounds below.
      // Files that wait out a kernel timer make one more group beside
      // those (sleeping takes no core). Files whose cases must not share
      // the machine run after the rest, together in one process of their own.
      const apart = pending.filter((f) => runsAlone.has(f));
      const waiting = pending.filter((f) => waits.has(f));
      const busy = pending.filter((f) => !runsAlone.has(f) && !waits.has(f));
      const phases = [
        [
          ...splitGroups(busy, weightOf, jobs),
          ...(waiting.length > 0 ? [waiting] : []),
        ],
        apart.length > 0 ? [apart] : [],
      ];
      const runs = [];
      for (const groups of phases) {
        if (signal?.aborted) break;
        runs.push(
          ...await Promise.all(groups.map(async (group) => {
            const names = group.flatMap(missing).map(testName);
            const timeoutMs = RUN_BASE_MS + RUN_PER_CASE_MS * names.length;
            const p = await run({
              paths: group,
              filter: selection.narrowed || round > 0
                ? exactFilter(names)
                : undefined,
              timeoutMs,
              onEvent,
              signal,
              together,
            });
            return { group, p, timeoutMs };
          })),
        );
      }
      for (const { group, p, timeoutMs } of runs) {
        merge(p, canRunTogether(group));
        const stoppedShort = p.timedOut || !p.output.finished;
        const left = group.filter((f) => missing(f).length > 0);
        const running = p.startedTest !== undefined
          ? byName.get(p.startedTest)?.file
          : undefined;
        if (stoppedShort && running !== undefined && left.includes(running)) {
          const why = processErrorLine(p.stderr, ROOT);
          blame.set(
            running,
            `the test process ${ending(p, timeoutMs)} while running ${running}${
              why ? `: ${why}` : ""
            }`,
          );
        } else if (left.length > 0) {
          together = false;
          // Stopped before any test (a type error): as the classic
          // process would, so straight to one file per process.
          if (stoppedShort && p.output.verdicts.size === 0) oneByOne = true;
        }
      }
      pending = filesOf(selection.entries).filter((f) => missing(f).length > 0);
      together &&= canRunTogether(pending);
      continue;
    }
    const batch = oneByOne ? [pending[0]] : pending;
    const names = batch.flatMap(missing).map(testName);
    const timeoutMs = RUN_BASE_MS + RUN_PER_CASE_MS * names.length;
    const p = await run({
      paths: batch,
      filter: selection.narrowed || round > 0 ? exactFilter(names) : undefined,
      timeoutMs,
      onEvent,
      signal,
    });
    merge(p, false);
    const stoppedShort = p.timedOut || !p.output.finished;
    const left = batch.filter((f) => missing(f).length > 0);
    if (stoppedShort && left.length > 0) {
      const why = processErrorLine(p.stderr, ROOT);
      const running = p.output.files.at(-1);
      const blameOn = batch.length === 1
        ? batch[0]
        : running && left.includes(running)
        ? running
        : undefined;
      if (blameOn) {
        blame.set(
          blameOn,
          `the test process ${ending(p, timeoutMs)} ${
            // A process given one file and killed by a signal was running
            // it, whether or not its "running" line got out before it died.
            running === blameOn || (batch.length === 1 && p.signal)
              ? `while running ${blameOn}`
              : "before running any case"}${why ? `: ${why}` : ""}`,
        );
      } else {
        // It died outside any file we can blame: judge each file alone.
        oneByOne = true;
      }
    } else {
      for (const f of left) {
        blame.set(f, "did not run: deno test ended without a verdict for it");
      }
    }
    pending = filesOf(selection.entries).filter((f) => missing(f).length > 0);
  }

  // Interrupted (Ctrl-C): only what finished is reported.
  const finished = (e: CatalogEntry) => {
    const ev = evidence.get(testName(e));
    return !signal?.aborted || ev?.record !== undefined ||
      ev?.verdict !== undefined;
  };
  const rows = selection.entries.filter(finished).map((e) =>
    rowFor(e, evidence.get(testName(e)) ?? {}, blame, uncaught)
  );
  for (const p of selection.problems) {
    rows.push(bare(idFromFile(p.file), "-", "failed", "", p.reason, p.file));
  }
  for (const [file, text] of uncaught) {
    if (
      !selection.entries.some((e) => e.file === file) &&
      !selection.problems.some((p) => p.file === file)
    ) {
      rows.push(
        bare(
          idFromFile(file),
          "-",
          "failed",
          "",
          `${file} failed outside any test: ${brief(text) ?? "uncaught error"}`,
          file,
        ),
      );
    }
  }
  for (const [name, ev] of extra) {
    const m = /^(.*) \[(syscall|deno|wire|node@nodejs|node@deno|node@bun)\]$/
      .exec(name);
    rows.push(
      bare(
        m ? m[1] : name,
        m ? m[2] as Layer : "-",
        "failed",
        "",
        brief(ev.error, 20) ?? "failed in deno test",
      ),
    );
  }
  return rows;
}

function bare(
  id: string,
  layer: Layer | "-",
  status: ReportCase["status"],
  summary: string,
  reason: string,
  file?: string,
): ReportCase {
  return {
    id,
    layer,
    status,
    summary,
    reason,
    timings: [],
    steps: [],
    ...(file ? { file } : {}),
  };
}

/** The row of one selected case, from its record and its verdict. */
function rowFor(
  e: CatalogEntry,
  ev: Evidence,
  blame: Map<string, string>,
  uncaught: Map<string, string>,
): ReportCase {
  if (ev.record) {
    const row = caseFromResult(ev.record, e.file);
    if (ev.verdict === "FAILED" && row.status !== "failed") {
      const recorded = row.status;
      delete row.step;
      delete row.expected;
      delete row.observed;
      delete row.source;
      row.status = "failed";
      row.reason =
        `deno test failed this test after the case recorded ${recorded}: ${
          brief(ev.error, 3) ?? "no error text"
        }`;
    }
    return row;
  }
  const reason = ev.verdict === "FAILED"
    ? brief(ev.error, 20) ?? "failed in deno test without leaving a record"
    : ev.verdict === "ok"
    ? "passed in deno test but left no record (was CLOSEWAIT_REPORT=1 honoured?)"
    : ev.verdict === "ignored"
    ? "ignored by deno test, without a record"
    : uncaught.has(e.file)
    ? `${e.file} failed outside any test: ${
      brief(uncaught.get(e.file)) ?? "uncaught error"
    }`
    : blame.get(e.file) ?? "did not run";
  return bare(
    e.id,
    e.layer,
    ev.verdict === "ignored" ? "skipped" : "failed",
    e.summary,
    reason,
    e.file,
  );
}
