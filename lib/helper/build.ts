/**
 * Builds the C helper on first use and caches the binary in the user's
 * cache folder (`cacheDir()`), never inside the kit's package: the source
 * is read from beside this module wherever the kit was loaded from (a
 * checkout, a path import, JSR), copied into the cache, and compiled there.
 *
 * The binary's name is fixed (so a permission can grant `run` on exactly
 * it) beside a key file holding the hash of the source, the compiler's
 * version and the flags; a different key means rebuild. The key is
 * written only after a build succeeded, under a lock, so test files that
 * start at once never run a half-written binary.
 *
 * @module
 */

import { sha256Hex } from "../platform/sha256.ts";
import type { UnavailableKind } from "../platform/unavailable.ts";
import { fromFileUrl, join } from "@std/path";
import { withLock } from "../lock/mod.ts";
import { cacheDir, currentPlatform } from "../platform/mod.ts";

const SOURCE = new URL("./closewait_helper.c", import.meta.url);
const LOCK_WAIT_MS = 120_000;
const CFLAGS = ["-O2", "-std=c11", "-Wall", "-Wextra", "-Werror"];

/**
 * Why the helper is not available:
 * - `absent`: no compiler installed;
 * - `not-permitted`: the process may not run the compiler or use the cache;
 * - `unsupported`: no POSIX socket API on this OS;
 * - `broken`: a compiler exists but the build failed (a defect to report,
 *   never a reason to skip).
 */
export type HelperUnavailableKind = UnavailableKind;

/** Whether the helper can run here: its path, or why not. */
export type HelperAvailability =
  | { available: true; path: string; compiler: string; built: boolean }
  | { available: false; kind: HelperUnavailableKind; reason: string };

/** The files of a helper build in one cache folder. */
export interface HelperFiles {
  /** The cache folder. */
  dir: string;
  /** The binary. */
  binary: string;
  /** The key of the build the binary came from. */
  key: string;
  /** The copy of the source the compiler reads. */
  source: string;
  /** The build lock. */
  lock: string;
}

/**
 * Where the helper's files live in cache folder `dir` (file paths).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { helperFiles } from "./build.ts";
 * assertEquals(helperFiles("/home/ana/.cache/closewait").binary, "/home/ana/.cache/closewait/closewait-helper");
 * ```
 */
export function helperFiles(dir: string): HelperFiles {
  return {
    dir,
    binary: join(dir, "closewait-helper"),
    key: join(dir, "closewait-helper.key"),
    source: join(dir, "closewait-helper.c"),
    lock: join(dir, "closewait-helper.lock"),
  };
}

const pending = new Map<string, Promise<HelperAvailability>>();

/**
 * Compiles the helper if the cached binary is missing or stale, once per
 * process and cache folder. Never throws: a missing or forbidden compiler,
 * an unsupported OS or a failed build comes back as `{available: false,
 * kind, reason}`; cases are skipped for the first three and fail for a
 * `broken` build.
 *
 * @example
 * ```ts ignore
 * import { ensureHelper } from "./build.ts";
 * const h = await ensureHelper();
 * if (!h.available) console.log(`${h.kind}: ${h.reason}`);
 * ```
 */
export function ensureHelper(dir?: string): Promise<HelperAvailability> {
  let folder: string;
  try {
    folder = dir ?? cacheDir();
  } catch (e) {
    return Promise.resolve({
      available: false,
      kind: "not-permitted",
      reason: (e as Error).message,
    });
  }
  let build = pending.get(folder);
  if (!build) {
    build = buildIn(helperFiles(folder)).catch((e) => unavailable(e, folder));
    pending.set(folder, build);
  }
  return build;
}

function unavailable(e: unknown, dir: string): HelperAvailability {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof Deno.errors.NotCapable) {
    return {
      available: false,
      kind: "not-permitted",
      reason: `the helper's cache folder ${dir} is not permitted: ${message}` +
        ` (allow read and write on it, or set CLOSEWAIT_CACHE_DIR)`,
    };
  }
  return {
    available: false,
    kind: "broken",
    reason: `building the helper in ${dir} failed: ${message}`,
  };
}

/** The compiler to use: `$CLOSEWAIT_CC` if set, else gcc, else cc. */
async function findCompiler(): Promise<
  { cc: string; version: string } | HelperAvailability & { available: false }
> {
  // An explicit choice is the only one tried, so a missing compiler can be
  // simulated (CLOSEWAIT_CC=/nonexistent) and a wrong one is not masked.
  const chosen = Deno.env.get("CLOSEWAIT_CC");
  const candidates = chosen ? [chosen] : ["gcc", "cc"];
  const absent: string[] = [];
  const forbidden: string[] = [];
  for (const cc of candidates) {
    let out: Deno.CommandOutput;
    try {
      out = await new Deno.Command(cc, {
        args: ["--version"],
        stdout: "piped",
        stderr: "piped",
        stdin: "null",
      }).output();
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) absent.push(cc);
      else if (e instanceof Deno.errors.NotCapable) forbidden.push(cc);
      else {
        return {
          available: false,
          kind: "broken",
          reason: `${cc} --version: ${(e as Error).message}`,
        };
      }
      continue;
    }
    if (!out.success) {
      return {
        available: false,
        kind: "broken",
        reason: `${cc} --version failed (exit ${out.code}): ${
          new TextDecoder().decode(out.stderr).trim().split("\n")[0] ?? ""
        }`,
      };
    }
    return {
      cc,
      version: new TextDecoder().decode(out.stdout).split("\n")[0],
    };
  }
  if (forbidden.length) {
    return {
      available: false,
      kind: "not-permitted",
      reason: `not permitted to run the C compiler ${
        forbidden.join(" or ")
      } (Deno checks the permission before looking for the program, so it may also be missing): add it to the run permission (--allow-run=${
        forbidden[0]
      }; deno task kit does so for CLOSEWAIT_CC)`,
    };
  }
  return {
    available: false,
    kind: "absent",
    reason: `no C compiler installed: tried ${
      absent.join(", ")
    }; install gcc (Debian: apt-get install -y gcc) or set CLOSEWAIT_CC`,
  };
}

async function readTextOrEmpty(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return "";
    throw e;
  }
}

/** The helper's source, read from beside this module (file: or https:). */
async function readSource(): Promise<string> {
  if (SOURCE.protocol === "file:") {
    return await Deno.readTextFile(fromFileUrl(SOURCE));
  }
  const response = await fetch(SOURCE);
  if (!response.ok) {
    throw new Error(`cannot fetch ${SOURCE.href}: ${response.status}`);
  }
  return await response.text();
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

async function buildIn(files: HelperFiles): Promise<HelperAvailability> {
  const { os } = currentPlatform();
  if (os === "windows" || os === "other") {
    return {
      available: false,
      kind: "unsupported",
      reason: `the C helper needs a POSIX socket API; not built on ${os}`,
    };
  }
  const compiler = await findCompiler();
  if ("available" in compiler) return compiler;
  const source = await readSource();
  const key = await sha256Hex(
    [source, compiler.version, CFLAGS.join(" ")].join("\0"),
  );
  const ready = async () =>
    (await readTextOrEmpty(files.key)).trim() === key &&
    await isFile(files.binary);
  const found = (built: boolean): HelperAvailability => ({
    available: true,
    path: files.binary,
    compiler: compiler.version,
    built,
  });
  await Deno.mkdir(files.dir, { recursive: true });
  if (await ready()) return found(false);
  return await withLock(
    files.lock,
    { waitMs: LOCK_WAIT_MS, what: "building the C helper" },
    async () => {
      if (await ready()) return found(false);
      await Deno.remove(files.key).catch(() => {});
      await Deno.writeTextFile(files.source, source);
      // The compiler writes the binary itself: Deno refuses to write (or
      // rename onto) a file it may run. The linker replaces the file rather
      // than rewriting it, and other processes wait on the lock meanwhile.
      const out = await new Deno.Command(compiler.cc, {
        args: [...CFLAGS, "-o", files.binary, files.source],
        stdout: "piped",
        stderr: "piped",
        stdin: "null",
      }).output();
      if (!out.success) {
        const err = new TextDecoder().decode(out.stderr).trim().split("\n")
          .slice(0, 6).join("\n");
        return {
          available: false,
          kind: "broken",
          reason:
            `${compiler.cc} failed to build the helper (exit ${out.code}):\n${err}`,
        };
      }
      await Deno.writeTextFile(`${files.key}.tmp-${Deno.pid}`, key + "\n");
      await Deno.rename(`${files.key}.tmp-${Deno.pid}`, files.key);
      return found(true);
    },
  );
}
