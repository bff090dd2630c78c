/**
 * A cross-process lock made of a file created exclusively: test files run
 * in separate processes (and two kit runs may overlap), and a few resources
 * are shared by name (the helper binary, the Unix-socket path).
 *
 * @module
 */

/** The kit's cache folder (gitignored; tests may write only here). */
export const CACHE_DIR: URL = new URL(
  "../../node_modules/.cache/closewait/",
  import.meta.url,
);

/**
 * Runs `fn` while holding the lock file `name` (a file name in the cache
 * folder, or an absolute path for a lock shared by every checkout). Waits
 * (polling, backing off to 100 ms) while another process holds it; a lock
 * older than `waitMs` was left by a dead process and is taken over. Throws
 * if the lock cannot be had within `waitMs`.
 *
 * @example
 * ```ts ignore
 * import { withLock } from "./lock_file.ts";
 * await withLock("unix-socket.lock", 10_000, async () => {
 *   // only one process at a time gets here
 * });
 * ```
 */
export async function withLock<T>(
  name: string,
  waitMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  const lock = name.startsWith("/")
    ? new URL(`file://${name}`)
    : new URL(name, CACHE_DIR);
  if (!name.startsWith("/")) await Deno.mkdir(CACHE_DIR, { recursive: true });
  const deadline = performance.now() + waitMs;
  let pause = 5;
  while (true) {
    try {
      (await Deno.open(lock, { write: true, createNew: true })).close();
      break;
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    }
    const age = await Deno.stat(lock).then(
      (st) => Date.now() - (st.mtime?.getTime() ?? Date.now()),
      () => 0,
    );
    if (age > waitMs) await Deno.remove(lock).catch(() => {});
    if (performance.now() > deadline) {
      throw new Error(
        `another process has held ${lock.pathname} for over ${waitMs} ms`,
      );
    }
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(100, pause * 2);
  }
  try {
    return await fn();
  } finally {
    await Deno.remove(lock).catch(() => {});
  }
}
