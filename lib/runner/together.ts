/**
 * Many case files run as one test module. `deno test` gives every file an
 * isolate of its own, which here costs more than most cases take (the
 * library loaded and compiled again, each requirement probed again); the
 * kit instead writes a small entry module importing the selected files and
 * runs that, so the library loads once and each requirement is probed once
 * per process.
 *
 * The entry's path and text depend only on the files it imports, so the
 * same selection finds Deno's type-check cache warm (a new path would be
 * checked again from scratch; the same path and text, written again, is
 * not). An entry lives in `reports/.kit/` only while its run lasts, since
 * `deno check .` sees that folder (deno test must be allowed to run it);
 * one left by a killed run is removed an hour later.
 *
 * A file that stops the entry (a load error, a type error, `Deno.exit()`)
 * stops every file in it; the runner then runs the files without a verdict
 * one isolate each, as before. A crash or a hang inside a case is blamed on
 * the case's file through {@linkcode StartedTest}: `deno test` prints a
 * test's name before it runs.
 *
 * @module
 */

import { sha256Hex } from "../platform/sha256.ts";

/** Where entry modules are written (under `reports/`, which the kit may write). */
export const ENTRY_DIR = "reports/.kit";

/** Entries older than this (left by a killed run) go when another is written (ms). */
const PRUNE_AFTER_MS = 3600 * 1000;

const TEST_FILE = /(?:^|[._])test\.(?:ts|tsx|mts|js|mjs|jsx)$/;

/**
 * Whether a request's paths can run as one module: two or more test files
 * (not directories).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { canRunTogether } from "./together.ts";
 * assertEquals(canRunTogether(["cases/a_test.ts", "cases/b_test.ts"]), true);
 * assertEquals(canRunTogether(["cases"]), false);
 * assertEquals(canRunTogether(["cases/a_test.ts"]), false);
 * ```
 */
export function canRunTogether(paths: readonly string[]): boolean {
  return paths.length > 1 && paths.every((p) => TEST_FILE.test(p));
}

/** `a\b` → `a/b`; `./a` → `a`. */
function slashed(path: string): string {
  return path.replaceAll("\\", "/").replace(/^\.\//, "");
}

/**
 * The import specifier of `file` (relative to the working directory, or
 * absolute) from a module in `fromDir` (relative to the working directory).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { specifierFrom } from "./together.ts";
 * assertEquals(specifierFrom("reports/.kit", "cases/a_test.ts"), "../../cases/a_test.ts");
 * assertEquals(specifierFrom("reports/.kit", "/x/y_test.ts"), "file:///x/y_test.ts");
 * ```
 */
export function specifierFrom(fromDir: string, file: string): string {
  const f = slashed(file);
  if (f.startsWith("/")) return `file://${encodeURI(f)}`;
  if (/^[A-Za-z]:\//.test(f)) return `file:///${encodeURI(f)}`;
  const up = slashed(fromDir).split("/").filter((s) => s && s !== ".")
    .map(() => "..");
  return [...up, ...f.split("/").map(encodeURIComponent)].join("/");
}

/**
 * The entry module's text: one static import per file, in order (so the
 * whole graph is type-checked and loaded before any case runs).
 *
 * @example
 * ```ts
 * import { assertStringIncludes } from "@std/assert";
 * import { entrySource } from "./together.ts";
 * assertStringIncludes(
 *   entrySource(["cases/a_test.ts"]),
 *   'import "../../cases/a_test.ts";',
 * );
 * ```
 */
export function entrySource(
  files: readonly string[],
  dir: string = ENTRY_DIR,
): string {
  return [
    "// Written by the closewait kit (lib/runner/together.ts): the selected",
    "// case files as one test module. Safe to delete.",
    ...files.map((f) => `import ${JSON.stringify(specifierFrom(dir, f))};`),
    "",
  ].join("\n");
}

async function prune(dir: string, keep: string): Promise<void> {
  const now = Date.now();
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isFile || `${dir}/${entry.name}` === keep) continue;
      const path = `${dir}/${entry.name}`;
      const info = await Deno.stat(path).catch(() => undefined);
      const used = info?.mtime;
      if (used && now - used.getTime() > PRUNE_AFTER_MS) {
        await Deno.remove(path).catch(() => {});
      }
    }
  } catch { /* nothing to prune */ }
}

/**
 * Writes the entry module for `files` and returns its path,
 * relative to the working directory. The name is a hash of the text, and a
 * new file is written under a temporary name and renamed into place, so
 * processes that start at once with the same selection share it safely.
 *
 * @example
 * ```ts ignore
 * import { writeEntry } from "./together.ts";
 * const entry = await writeEntry(["cases/a_test.ts", "cases/b_test.ts"]);
 * // deno test -P reports/.kit/run-1a2b…_test.ts
 * ```
 */
export async function writeEntry(
  files: readonly string[],
  dir: string = ENTRY_DIR,
): Promise<string> {
  const text = entrySource(files, dir);
  const path = `${slashed(dir)}/run-${
    (await sha256Hex(text)).slice(0, 16)
  }_test.ts`;
  // Written even when there (from another run of the same files): its time
  // is then fresh, so no prune removes it under this run.
  await Deno.mkdir(dir, { recursive: true });
  const temporary = `${path}.${Deno.pid}.${crypto.randomUUID()}.tmp`;
  try {
    await Deno.writeTextFile(temporary, text);
    await Deno.rename(temporary, path);
  } finally {
    await Deno.remove(temporary).catch(() => {});
  }
  await prune(slashed(dir), path);
  return path;
}

/**
 * Removes an entry module after its run (another run of the same files may
 * have written it again meanwhile; it writes it again if so).
 *
 * @example
 * ```ts ignore
 * import { removeEntry, writeEntry } from "./together.ts";
 * const entry = await writeEntry(["cases/a_test.ts", "cases/b_test.ts"]);
 * await removeEntry(entry);
 * ```
 */
export async function removeEntry(path: string): Promise<void> {
  await Deno.remove(path).catch(() => {});
}

// The default reporter prints `<name> ...` when a test starts and
// `<name> ... ok (1ms)` when it ends (after its output block, if any).
const STARTED = /^(\S.*) \.\.\.$/;
const ENDED = /^(\S.*) \.\.\. (?:ok|FAILED|ignored)\b/;
const OUTPUT_START = /^------- (?:(?:pre|post)-test )?output -------$/;
const OUTPUT_END = /^----- (?:(?:pre|post)-test )?output end -----$/;

/**
 * Follows `deno test` output to know which test was running when the
 * output stopped: the last one started without a verdict.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { StartedTest } from "./together.ts";
 * const t = new StartedTest();
 * t.line("a [deno] ...");
 * t.line("a [deno] ... ok (1ms)");
 * t.line("b [syscall] ...");
 * assertEquals(t.name, "b [syscall]");
 * ```
 */
export class StartedTest {
  /** The test started and not ended, if any. */
  name: string | undefined;
  #inOutput = false;

  /** Feeds one line of stdout (colours already off: `NO_COLOR=1`). */
  line(raw: string): void {
    const line = raw.replace(/\r$/, "");
    // What a test prints is its own: a line of it may end in " ..." too.
    if (this.#inOutput) {
      if (OUTPUT_END.test(line)) this.#inOutput = false;
      return;
    }
    if (OUTPUT_START.test(line)) {
      this.#inOutput = true;
      return;
    }
    const ended = ENDED.exec(line);
    if (ended) {
      if (ended[1] === this.name) this.name = undefined;
      return;
    }
    const started = STARTED.exec(line);
    if (started) this.name = started[1];
  }
}

/**
 * Splits files into at most `jobs` groups of about equal cost (the longest
 * first, each to the lightest group), each group keeping the files' order.
 * The same files and weights always give the same groups, so each group's
 * entry module stays the same from run to run.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { splitGroups } from "./together.ts";
 * const weight = (f: string) => (f === "b" ? 3 : 1);
 * assertEquals(splitGroups(["a", "b", "c", "d"], weight, 2), [["b"], ["a", "c", "d"]]);
 * assertEquals(splitGroups(["a", "b"], weight, 1), [["a", "b"]]);
 * ```
 */
export function splitGroups<T>(
  files: readonly T[],
  weight: (file: T) => number,
  jobs: number,
): T[][] {
  const n = Math.max(1, Math.min(Math.floor(jobs), files.length));
  const groups = Array.from(
    { length: n },
    () => ({ cost: 0, at: [] as number[] }),
  );
  const order = files.map((_, i) => i)
    .sort((a, b) => weight(files[b]) - weight(files[a]) || a - b);
  for (const i of order) {
    const lightest = groups.reduce((x, y) => (y.cost < x.cost ? y : x));
    lightest.at.push(i);
    lightest.cost += weight(files[i]);
  }
  return groups.filter((g) => g.at.length > 0)
    .map((g) => g.at.sort((a, b) => a - b).map((i) => files[i]));
}

/**
 * A case's rough cost at a layer, relative to a syscall case, for
 * {@linkcode splitGroups} (measured here: a node row starts a runtime, a
 * wire row starts captures).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { layerWeight } from "./together.ts";
 * assertEquals([layerWeight("syscall"), layerWeight("wire"), layerWeight("node@bun")], [1, 2, 6]);
 * ```
 */
export function layerWeight(layer: string): number {
  return layer.startsWith("node@") ? 6 : layer === "wire" ? 2 : 1;
}
