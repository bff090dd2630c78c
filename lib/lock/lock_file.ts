/**
 * A cross-process lock on a file, held with the kernel's advisory lock
 * (`flock`): test files run in separate processes and two kit runs may
 * overlap, while a few resources are shared by name (the helper binary, the
 * Unix-socket path). The kernel drops the lock when its holder dies, even by
 * SIGKILL, so a killed run never leaves a stale lock; the file itself names
 * the holder (pid, start time, what it does) for anyone who waits.
 *
 * @module
 */

import { dirname } from "@std/path";

/** How long a waiter stays quiet before saying what it waits for (ms). */
const QUIET_MS = 1000;

/** What a lock file says about its holder. */
export interface LockHolder {
  /** The holder's process id. */
  pid: number;
  /** When the holder took the lock (ISO 8601). */
  since: string;
  /** What the holder does under the lock, e.g. "building the C helper". */
  what: string;
}

/** Raised when a lock is still held when the wait ends. */
export class LockTimeout extends Error {
  /** Creates the error for `path`, naming the holder when known. */
  constructor(path: string, waitMs: number, holder: LockHolder | undefined) {
    super(
      `${path} is still locked after ${waitMs} ms${
        holder
          ? ` by pid ${holder.pid} (${holder.what}, since ${holder.since})`
          : ""
      }`,
    );
    this.name = "LockTimeout";
  }
}

/** Options for {@linkcode withLock}. */
export interface LockOptions {
  /** Give up after this long (ms). */
  waitMs: number;
  /** What the holder does, for waiters' messages. */
  what: string;
  /** Where a waiter says what it waits for (default: stderr). */
  log?: (line: string) => void;
}

/**
 * Reads who holds a lock file, if it says.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseLockHolder } from "./lock_file.ts";
 * assertEquals(
 *   parseLockHolder('{"pid":42,"since":"2026-11-30T00:00:00.000Z","what":"building the C helper"}')?.pid,
 *   42,
 * );
 * assertEquals(parseLockHolder(""), undefined);
 * ```
 */
export function parseLockHolder(text: string): LockHolder | undefined {
  try {
    const h = JSON.parse(text);
    return typeof h?.pid === "number" && typeof h.since === "string" &&
        typeof h.what === "string"
      ? { pid: h.pid, since: h.since, what: h.what }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs `fn` while holding the lock on the file at `path` (an absolute file
 * path; its folder is created). Polls with a back-off up to 100 ms while
 * another process holds it, says once (after a second) which process it
 * waits for, and throws {@linkcode LockTimeout} naming the holder if the
 * lock is not had within `waitMs`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { withLock } from "./lock_file.ts";
 * await Deno.mkdir("/tmp/closewait-selftest", { recursive: true });
 * const dir = await Deno.makeTempDir({ dir: "/tmp/closewait-selftest" });
 * const value = await withLock(`${dir}/example.lock`, { waitMs: 1000, what: "an example" }, () => Promise.resolve(7));
 * assertEquals(value, 7);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function withLock<T>(
  path: string,
  options: LockOptions,
  fn: () => Promise<T>,
): Promise<T> {
  await Deno.mkdir(dirname(path), { recursive: true });
  using file = await Deno.open(path, { read: true, write: true, create: true });
  const started = performance.now();
  const log = options.log ?? ((line) => console.error(line));
  let pause = 5;
  let said = false;
  while (!(await file.tryLock(true))) {
    const waited = performance.now() - started;
    if (waited > options.waitMs || (!said && waited > QUIET_MS)) {
      const holder = parseLockHolder(
        await Deno.readTextFile(path).catch(() => ""),
      );
      if (waited > options.waitMs) {
        throw new LockTimeout(path, options.waitMs, holder);
      }
      said = true;
      log(
        `closewait: waiting for ${path}${
          holder
            ? `, held by pid ${holder.pid} (${holder.what}, since ${holder.since})`
            : ""
        }`,
      );
    }
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(100, pause * 2);
  }
  try {
    const holder: LockHolder = {
      pid: Deno.pid,
      since: new Date().toISOString(),
      what: options.what,
    };
    await file.truncate(0);
    await file.write(new TextEncoder().encode(JSON.stringify(holder)));
    return await fn();
  } finally {
    await file.unlock().catch(() => {});
  }
}
