/**
 * Builds the C helper on first use and caches the binary.
 *
 * The binary lives at a fixed path (so `deno.json` can grant `run` on exactly
 * it) beside a key file holding the hash of the source, the compiler's
 * version and the flags; a different key means rebuild. Builds go to a
 * temporary name and are renamed into place, so test files that start at
 * once never run a half-written binary.
 *
 * @module
 */

import { CACHE_DIR, withLock } from "../lock/lock_file.ts";
import { currentPlatform } from "../platform/platform.ts";

const SOURCE = new URL("./closewait_helper.c", import.meta.url);
const BINARY = new URL("closewait-helper", CACHE_DIR);
const KEY_FILE = new URL("closewait-helper.key", CACHE_DIR);
const LOCK_WAIT_MS = 60_000;
const CFLAGS = ["-O2", "-std=c11", "-Wall", "-Wextra", "-Werror"];

/** Whether the helper can run here: its path, or why not. */
export type HelperAvailability =
  | { available: true; path: string; compiler: string; built: boolean }
  | { available: false; reason: string };

let pending: Promise<HelperAvailability> | undefined;

/**
 * Compiles the helper if the cached binary is missing or stale, once per
 * process. Never throws: a missing compiler or an unsupported OS comes back
 * as `{available: false, reason}` so cases can be skipped with the reason.
 *
 * @example
 * ```ts ignore
 * import { ensureHelper } from "./build.ts";
 * const h = await ensureHelper();
 * if (!h.available) console.log(`skipped: ${h.reason}`);
 * ```
 */
export function ensureHelper(): Promise<HelperAvailability> {
  pending ??= build().catch((e) => ({
    available: false as const,
    reason: `building the helper failed: ${e instanceof Error ? e.message : e}`,
  }));
  return pending;
}

/** The compiler to use: `$CLOSEWAIT_CC` if set, else gcc, else cc. */
async function findCompiler(): Promise<
  { cc: string; version: string } | string
> {
  // An explicit choice is the only one tried, so a missing compiler can be
  // simulated (CLOSEWAIT_CC=/nonexistent) and a wrong one is not masked.
  const chosen = Deno.env.get("CLOSEWAIT_CC");
  const candidates = chosen ? [chosen] : ["gcc", "cc"];
  const tried: string[] = [];
  for (const cc of candidates) {
    try {
      const out = await new Deno.Command(cc, {
        args: ["--version"],
        stdout: "piped",
        stderr: "null",
        stdin: "null",
      }).output();
      if (out.success) {
        const version = new TextDecoder().decode(out.stdout).split("\n")[0];
        return { cc, version };
      }
      tried.push(`${cc} (exit ${out.code})`);
    } catch (e) {
      tried.push(
        `${cc} (${
          e instanceof Deno.errors.NotFound
            ? "not found"
            : e instanceof Deno.errors.NotCapable
            ? "not in deno.json's run permissions"
            : (e as Error).message
        })`,
      );
    }
  }
  return `no C compiler: tried ${
    tried.join(", ")
  }; install gcc (Debian: apt-get install -y gcc)`;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(text),
  );
  return Array.from(
    new Uint8Array(digest),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
}

async function readTextOrEmpty(url: URL): Promise<string> {
  try {
    return await Deno.readTextFile(url);
  } catch {
    return "";
  }
}

async function build(): Promise<HelperAvailability> {
  const { os } = currentPlatform();
  if (os === "windows" || os === "other") {
    return {
      available: false,
      reason: `the C helper needs a POSIX socket API; not built on ${os}`,
    };
  }
  const compiler = await findCompiler();
  if (typeof compiler === "string") {
    return { available: false, reason: compiler };
  }
  const source = await Deno.readTextFile(SOURCE);
  const key = await sha256Hex(
    [source, compiler.version, CFLAGS.join(" ")].join("\0"),
  );
  const path = BINARY.pathname;
  if ((await readTextOrEmpty(KEY_FILE)).trim() === key) {
    try {
      await Deno.stat(BINARY);
      return {
        available: true,
        path,
        compiler: compiler.version,
        built: false,
      };
    } catch {
      // key without binary: rebuild below
    }
  }
  // Deno refuses to write a file it may run, so gcc writes the binary
  // itself, under a lock that other test processes wait on.
  return await withLock("closewait-helper.lock", LOCK_WAIT_MS, async () => {
    if ((await readTextOrEmpty(KEY_FILE)).trim() === key) {
      return {
        available: true,
        path,
        compiler: compiler.version,
        built: false,
      };
    }
    await Deno.remove(KEY_FILE).catch(() => {});
    const out = await new Deno.Command(compiler.cc, {
      args: [...CFLAGS, "-o", path, SOURCE.pathname],
      stdout: "piped",
      stderr: "piped",
      stdin: "null",
    }).output();
    if (!out.success) {
      const err = new TextDecoder().decode(out.stderr).trim().split("\n")
        .slice(0, 6).join("\n");
      return {
        available: false,
        reason:
          `${compiler.cc} failed to build the helper (exit ${out.code}):\n${err}`,
      };
    }
    const tmpKey = `${KEY_FILE.pathname}.tmp-${Deno.pid}`;
    await Deno.writeTextFile(tmpKey, key + "\n");
    await Deno.rename(tmpKey, KEY_FILE);
    return { available: true, path, compiler: compiler.version, built: true };
  });
}
