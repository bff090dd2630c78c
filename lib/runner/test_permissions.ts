/**
 * The permissions of a `deno test` the kit starts: the kit's "default" set
 * from deno.json (`-P`), widened for what no static set can name: the
 * Unix-socket path in the cache folder (Deno wants it absolute) and a
 * compiler chosen with `$CLOSEWAIT_CC`. A flag on the command line replaces
 * the set's list of that kind, so a widened kind is passed whole: the set's
 * entries (relative ones resolved against the kit's folder) plus the new.
 *
 * @module
 */

import { isAbsolute, join } from "@std/path";

/** One permission set as deno.json writes it. */
export interface PermissionSet {
  /** `net` entries: hosts and `unix:` paths. */
  net?: readonly string[];
  /** `read` paths. */
  read?: readonly string[];
  /** `write` paths. */
  write?: readonly string[];
  /** `run` programs. */
  run?: readonly string[];
}

/** What to add to a set, by kind. */
export type PermissionExtras = Partial<
  Record<keyof PermissionSet, readonly string[]>
>;

const PATH_KINDS = new Set(["read", "write"]);

function resolveEntry(kind: string, entry: string, root: string): string {
  if (PATH_KINDS.has(kind) || (kind === "run" && entry.startsWith("."))) {
    return isAbsolute(entry) ? entry : join(root, entry);
  }
  return entry;
}

/**
 * The flags that widen `set` by `extras`, one `--allow-<kind>=` flag per
 * widened kind with the whole list; nothing for a kind with no extras (the
 * set, given by `-P`, holds).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { widenedPermissionFlags } from "./test_permissions.ts";
 * assertEquals(
 *   widenedPermissionFlags(
 *     { net: ["127.0.0.1"], run: ["gcc", "./node_modules/deno/deno"] },
 *     { net: ["unix:/c/unix.sock"], run: ["clang-14"] },
 *     "/kit",
 *   ),
 *   [
 *     "--allow-net=127.0.0.1,unix:/c/unix.sock",
 *     "--allow-run=gcc,/kit/node_modules/deno/deno,clang-14",
 *   ],
 * );
 * ```
 */
export function widenedPermissionFlags(
  set: PermissionSet,
  extras: PermissionExtras,
  root: string,
): string[] {
  const flags: string[] = [];
  for (const kind of ["net", "read", "write", "run"] as const) {
    const added = extras[kind] ?? [];
    if (added.length === 0) continue;
    const entries = [
      ...(set[kind] ?? []).map((e) => resolveEntry(kind, e, root)),
      ...added,
    ];
    for (const entry of entries) {
      if (entry.includes(",")) {
        throw new RangeError(
          `a permission entry cannot hold a comma: ${entry} (move the kit or the cache folder to a path without one)`,
        );
      }
    }
    flags.push(`--allow-${kind}=${[...new Set(entries)].join(",")}`);
  }
  return flags;
}
