/**
 * Report files are checked before a run starts, so a run never ends with
 * nowhere to put its report: the path must be writable under the process's
 * permissions, and its directory must exist or be creatable.
 *
 * @module
 */

import { resolve } from "@std/path";
import { UsageError } from "./command_line.ts";

function parentOf(path: string): string {
  const cut = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return cut < 0 ? "." : cut === 0 ? path.slice(0, 1) : path.slice(0, cut);
}

/**
 * Checks that `path` can be written by this process and creates its
 * directory if needed; throws {@linkcode UsageError} with one line naming
 * the flag and the reason otherwise. `hint` says where writing is allowed.
 *
 * @example
 * ```ts ignore
 * import { prepareOutputPath } from "./output_path.ts";
 * await prepareOutputPath("--json", "reports/kit.json", "under reports/");
 * ```
 */
export async function prepareOutputPath(
  flag: string,
  path: string,
  hint: string,
): Promise<void> {
  if (await checkOutputPath(flag, path, hint)) return;
  try {
    await Deno.mkdir(parentOf(path), { recursive: true });
  } catch (e) {
    throw new UsageError(
      `${flag} ${path}: cannot create its directory (${(e as Error).message})`,
    );
  }
}

/**
 * The checks of {@linkcode prepareOutputPath} without creating anything, so
 * a command can refuse a path before it does any work and create the
 * directory only once it knows it will write there. Returns whether the
 * file exists already.
 *
 * @example
 * ```ts ignore
 * import { checkOutputPath } from "./output_path.ts";
 * await checkOutputPath("--json", "reports/kit.json", "under reports/");
 * ```
 */
export async function checkOutputPath(
  flag: string,
  path: string,
  hint: string,
): Promise<boolean> {
  const state = (await Deno.permissions.query({ name: "write", path })).state;
  if (state !== "granted") {
    throw new UsageError(
      `${flag} ${path}: not writable with this process's permissions; ${hint}`,
    );
  }
  try {
    const info = await Deno.stat(path);
    if (info.isDirectory) {
      throw new UsageError(`${flag} ${path}: is a directory`);
    }
    return true;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if (!(e instanceof Deno.errors.NotFound)) {
      throw new UsageError(`${flag} ${path}: ${(e as Error).message}`);
    }
  }
  return false;
}

/**
 * Writes a report file; a failure becomes a one-line {@linkcode UsageError}.
 *
 * @example
 * ```ts ignore
 * import { writeOutput } from "./output_path.ts";
 * await writeOutput("--markdown", "reports/kit.md", "# report\n");
 * ```
 */
export async function writeOutput(
  flag: string,
  path: string,
  text: string,
): Promise<void> {
  try {
    await Deno.writeTextFile(path, text);
  } catch (e) {
    throw new UsageError(`${flag} ${path}: ${(e as Error).message}`);
  }
}

/**
 * Throws {@linkcode UsageError} when two of the given output flags name one
 * file once their paths are resolved (`reports/a.json`, `./reports/a.json`
 * and `reports/x/../a.json` are one file); flags not given are ignored.
 *
 * @example
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { assertDistinctOutputs } from "./output_path.ts";
 * assertThrows(() =>
 *   assertDistinctOutputs([["--json", "reports/a"], ["--junit", "./reports/a"]])
 * );
 * ```
 */
export function assertDistinctOutputs(
  outputs: readonly (readonly [flag: string, path: string | undefined])[],
): void {
  const seen = new Map<string, string>();
  for (const [flag, path] of outputs) {
    if (!path) continue;
    const full = resolve(path);
    const other = seen.get(full);
    if (other !== undefined) {
      throw new UsageError(
        `${other} and ${flag} name the same file (${path}); give each output its own file`,
      );
    }
    seen.set(full, flag);
  }
}
