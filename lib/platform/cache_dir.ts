/**
 * The user's cache folder for what the kit builds (the C helper) and the
 * per-user resources it names (locks, the Unix-socket path): never inside
 * the kit's own package, which may be read-only (a JSR download) or shared.
 *
 * @module
 */

import { join } from "@std/path";

/** The environment variables {@linkcode cacheDir} reads, in order. */
export const CACHE_DIR_VARIABLES: readonly string[] = [
  "CLOSEWAIT_CACHE_DIR",
  "XDG_CACHE_HOME",
  "HOME",
  "LOCALAPPDATA",
];

/** Raised when no cache folder can be named (no variable set or readable). */
export class CacheDirError extends Error {
  /** Creates the error with the reason. */
  constructor(message: string) {
    super(message);
    this.name = "CacheDirError";
  }
}

function variable(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable) return undefined;
    throw e;
  }
}

/**
 * The folder (an absolute file path, not a URL) where the kit keeps its
 * cache: `$CLOSEWAIT_CACHE_DIR` if set, else the platform's user cache
 * folder with `closewait` appended: `$XDG_CACHE_HOME` or `~/.cache` on
 * Linux and the BSDs, `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on
 * Windows.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { cacheDir } from "./cache_dir.ts";
 * const env = { HOME: "/home/ana", XDG_CACHE_HOME: undefined } as Record<string, string | undefined>;
 * assertEquals(cacheDir("linux", (name) => env[name]), "/home/ana/.cache/closewait");
 * assertEquals(cacheDir("darwin", (name) => env[name]), "/home/ana/Library/Caches/closewait");
 * ```
 */
export function cacheDir(
  os: typeof Deno.build.os = Deno.build.os,
  env: (name: string) => string | undefined = variable,
): string {
  const chosen = env("CLOSEWAIT_CACHE_DIR");
  if (chosen) return chosen;
  if (os === "windows") {
    const local = env("LOCALAPPDATA");
    if (local) return join(local, "closewait");
  } else if (os === "darwin") {
    const home = env("HOME");
    if (home) return join(home, "Library", "Caches", "closewait");
  } else {
    const xdg = env("XDG_CACHE_HOME");
    if (xdg) return join(xdg, "closewait");
    const home = env("HOME");
    if (home) return join(home, ".cache", "closewait");
  }
  throw new CacheDirError(
    `no cache folder: set CLOSEWAIT_CACHE_DIR (or ${
      os === "windows" ? "LOCALAPPDATA" : "HOME"
    }), and allow reading it (--allow-env=${CACHE_DIR_VARIABLES.join(",")})`,
  );
}
