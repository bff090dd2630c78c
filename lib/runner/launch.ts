/**
 * What the kit's commands (kit, soak, bench) need from how they were
 * started, checked first so a wrong start is one clear line, never a stack
 * trace halfway through: they run from the kit's own folder (their
 * permission sets, case paths and the `deno test` they start are relative
 * to it), and the Deno running them may start itself again (deno.json's run
 * permissions name the `deno` on PATH and `node_modules/deno/deno`).
 *
 * @module
 */

import { dirname, fromFileUrl } from "@std/path";
import { UsageError } from "./command_line.ts";

/** The kit's folder (where its deno.json is). */
export const KIT_ROOT: string = fromFileUrl(new URL("../../", import.meta.url))
  .replace(/[\\/]$/, "");

function sameFile(a: string, b: string): boolean {
  try {
    const x = Deno.statSync(a);
    const y = Deno.statSync(b);
    return x.dev === y.dev && x.ino === y.ino && x.ino !== null;
  } catch {
    return a === b;
  }
}

/**
 * Throws {@linkcode UsageError} with what to do when `command` (a deno.json
 * task and permission set: `kit`, `soak`, `bench`) was started from another
 * folder than the kit's, or by a Deno its permissions do not let start
 * itself.
 *
 * @example
 * ```ts ignore
 * import { checkLaunch } from "./launch.ts";
 * checkLaunch("kit");
 * ```
 */
export function checkLaunch(command: string): void {
  const cwd = Deno.cwd();
  if (!sameFile(`${cwd}/deno.json`, `${KIT_ROOT}/deno.json`)) {
    throw new UsageError(
      `the kit runs from its own folder (${KIT_ROOT}), not ${cwd}: cd ${KIT_ROOT} && deno task ${command}`,
    );
  }
  const deno = Deno.execPath();
  const may = Deno.permissions.querySync({ name: "run", command: deno });
  if (may.state !== "granted") {
    throw new UsageError(
      `this Deno (${deno}) may not start itself under deno.json's "${command}" permissions, which allow the deno on PATH and node_modules/deno/deno: put its folder on PATH, e.g. PATH="${
        dirname(deno)
      }:$PATH" ${deno} task ${command}`,
    );
  }
}
