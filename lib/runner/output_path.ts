/**
 * Report files are checked before a run starts, so a run never ends with
 * nowhere to put its report: the path must be writable under the process's
 * permissions, and its directory must exist or be creatable.
 *
 * @module
 */

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
    return;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if (!(e instanceof Deno.errors.NotFound)) {
      throw new UsageError(`${flag} ${path}: ${(e as Error).message}`);
    }
  }
  try {
    await Deno.mkdir(parentOf(path), { recursive: true });
  } catch (e) {
    throw new UsageError(
      `${flag} ${path}: cannot create its directory (${(e as Error).message})`,
    );
  }
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
