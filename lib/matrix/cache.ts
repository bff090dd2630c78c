/**
 * The matrix's cache folder, `<user cache>/closewait/kernels/` (e.g.
 * `~/.cache/closewait/kernels`): one folder per prepared kernel holding
 * only what boots (`vmlinux`, `initrd.cpio`, `kernel.json`), the private
 * apt roots (`apt/`, without their package lists once a fetch is done) and
 * the folders of runs in progress (`runs/`). One matrix command at a time may
 * use it (a `flock` on `.lock`, dropped by the kernel if the holder dies).
 *
 * @module
 */

import { join } from "@std/path";
import { cacheDir } from "../platform/mod.ts";
import type { ShareFs } from "./initramfs.ts";
import { MatrixError } from "./process.ts";
import { within } from "../deadline/mod.ts";

/** How long a matrix command waits for another to release the cache (ms). */
const LOCK_WAIT_MS = 3000;

/** What `kernel.json` says about a prepared kernel. */
export interface KernelInfo {
  /** Kernel release (`uname -r` in the guest), also the folder's name. */
  release: string;
  /** The request it came from (`linux-image-amd64/sid`). */
  request: string;
  /** The packages downloaded, name and version. */
  packages: { name: string; version: string; size: number }[];
  /** How the guest reaches the host. */
  fs: ShareFs;
  /** Modules in the initramfs, in load order. */
  modules: string[];
  /** Modules wanted but absent (e.g. no 9p in a -cloud kernel). */
  missingModules: string[];
  /** The bzImage's payload compression. */
  compression: string;
  /** Bytes of `vmlinux` and `initrd.cpio`. */
  bytes: { vmlinux: number; initrd: number };
  /** When it was prepared (ISO 8601). */
  prepared: string;
  /** The initramfs recipe it was prepared with (absent: recipe 1). */
  recipe?: number;
}

/** A prepared kernel and its folder. */
export interface CachedKernel {
  /** Its folder. */
  dir: string;
  /** Its `kernel.json`. */
  info: KernelInfo;
}

/**
 * The kernels folder: `<cacheDir()>/kernels`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { kernelsDir } from "./cache.ts";
 * assertEquals(kernelsDir("/home/ana/.cache/closewait"), "/home/ana/.cache/closewait/kernels");
 * ```
 */
export function kernelsDir(base: string = cacheDir()): string {
  return join(base, "kernels");
}

/**
 * Whether a folder name is a kernel release the matrix may have prepared
 * (and so may remove): not one of its own folders, no path tricks.
 *
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { isReleaseName } from "./cache.ts";
 * assert(isReleaseName("7.2.13+deb14-amd64"));
 * assert(!isReleaseName("apt") && !isReleaseName("../x") && !isReleaseName("runs"));
 * ```
 */
export function isReleaseName(name: string): boolean {
  return /^\d+\.\d+[A-Za-z0-9.+~_-]*$/.test(name);
}

/** Reads every prepared kernel, ordered by version (oldest first). */
export async function listKernels(dir: string): Promise<CachedKernel[]> {
  const out: CachedKernel[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (!e.isDirectory || !isReleaseName(e.name)) continue;
      const kdir = join(dir, e.name);
      try {
        const info = JSON.parse(
          await Deno.readTextFile(join(kdir, "kernel.json")),
        ) as KernelInfo;
        await Deno.stat(join(kdir, "vmlinux"));
        await Deno.stat(join(kdir, "initrd.cpio"));
        out.push({ dir: kdir, info });
      } catch { /* half-prepared: not listed, removed by the next fetch */ }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return out.sort((a, b) => compareReleases(a.info.release, b.info.release));
}

/**
 * Orders kernel releases by their numbers (6.1 < 6.12 < 7.2).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { compareReleases } from "./cache.ts";
 * assertEquals(["7.2.13+deb14-amd64", "6.12.117+deb12-amd64", "6.1.0-57-amd64"].sort(compareReleases),
 *   ["6.1.0-57-amd64", "6.12.117+deb12-amd64", "7.2.13+deb14-amd64"]);
 * ```
 */
export function compareReleases(a: string, b: string): number {
  const na = a.split(/[^0-9]+/).filter((x) => x).map(Number);
  const nb = b.split(/[^0-9]+/).filter((x) => x).map(Number);
  for (let i = 0; i < Math.max(na.length, nb.length); i++) {
    const d = (na[i] ?? -1) - (nb[i] ?? -1);
    if (d) return d;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Total bytes of the files under `path` (0 if it does not exist). */
export async function diskBytes(path: string): Promise<number> {
  let total = 0;
  try {
    const info = await Deno.lstat(path);
    if (!info.isDirectory) return info.size;
    for await (const e of Deno.readDir(path)) {
      total += await diskBytes(join(path, e.name));
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return total;
}

/**
 * Bytes as a short figure (`63.2 MB`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { formatBytes } from "./cache.ts";
 * assertEquals(formatBytes(63_200_000), "63.2 MB");
 * assertEquals(formatBytes(512), "512 B");
 * ```
 */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}

/**
 * Takes the cache folder's lock for one matrix command; throws
 * {@linkcode MatrixError} when another matrix command holds it.
 */
export async function lockCache(dir: string): Promise<Disposable> {
  try {
    await Deno.mkdir(dir, { recursive: true });
  } catch (e) {
    throw new MatrixError(
      `cannot create the kernel cache ${dir}: ${(e as Error).message}`,
    );
  }
  let file: Deno.FsFile;
  try {
    file = await Deno.open(join(dir, ".lock"), {
      create: true,
      write: true,
      read: true,
    });
  } catch (e) {
    throw new MatrixError(
      `cannot use the kernel cache ${dir}: ${
        (e as Error).message
      } (the matrix task may read and write ~/.cache/closewait only; elsewhere add --allow-read=DIR --allow-write=DIR)`,
    );
  }
  const got = await within(file.lock(true).then(() => true), LOCK_WAIT_MS);
  if (got !== true) {
    const holder = (await Deno.readTextFile(join(dir, ".lock")).catch(() => ""))
      .trim();
    file.close();
    throw new MatrixError(
      `another matrix command is using ${dir}${
        holder ? ` (${holder})` : ""
      }; wait for it or stop it`,
    );
  }
  await file.truncate(0);
  await file.write(
    new TextEncoder().encode(
      `pid ${Deno.pid} since ${new Date().toISOString()}\n`,
    ),
  );
  return {
    [Symbol.dispose]() {
      try {
        file.unlockSync();
      } catch { /* closed */ }
      file.close();
    },
  };
}
