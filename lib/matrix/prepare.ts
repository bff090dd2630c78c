/**
 * `matrix fetch`: downloads each requested kernel's Debian packages through
 * a private apt root, extracts them in a work folder, and keeps only what
 * boots: the uncompressed `vmlinux`, a small initramfs (busybox, the
 * modules to reach the host) and `kernel.json`. The extracted packages are
 * removed as soon as the kernel is prepared; a kernel whose packages did
 * not change is left as it is.
 *
 * @module
 */

import { join } from "@std/path";
import {
  type KernelRequest,
  type PackageInfo,
  PrivateApt,
  requestLabel,
  resolveKernelPackages,
  SUITES,
} from "./apt.ts";
import {
  type CachedKernel,
  formatBytes,
  type KernelInfo,
  listKernels,
} from "./cache.ts";
import {
  buildInitramfs,
  chooseShareFs,
  COMMON_MODULES,
  INITRAMFS_RECIPE,
  initramfsEntries,
  isStaticElf,
  type ModuleIndex,
  moduleLoadOrder,
  moduleName,
  moduleState,
  OPTIONAL_MODULES,
  SHARE_MODULES,
  type ShareFs,
} from "./initramfs.ts";
import { execOk, MatrixError } from "./process.ts";
import { extractVmlinux } from "./vmlinux.ts";

/** The busybox copied into every initramfs (Debian's `busybox-static`). */
export const BUSYBOX = "/bin/busybox";

/** What `fetchKernels` needs. */
export interface FetchOptions {
  /** The kernels to prepare. */
  requests: KernelRequest[];
  /** The kernels folder. */
  dir: string;
  /** How many kernels to prepare at once. */
  jobs: number;
  /** Where progress lines go. */
  log: (line: string) => void;
  /** Ctrl-C. */
  signal?: AbortSignal;
}

/** How one request went. */
export interface FetchOutcome {
  /** The request. */
  request: KernelRequest;
  /** The prepared kernel (new or already there), unless it failed. */
  kernel?: CachedKernel;
  /** Whether it was already prepared. */
  upToDate?: boolean;
  /** Why it failed. */
  error?: string;
}

/** Runs `work` on each item, at most `jobs` at a time, in order of start. */
export async function mapLimited<T, R>(
  items: readonly T[],
  jobs: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i], i);
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker),
  );
  return out;
}

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

/**
 * Whether a prepared kernel is what `packages` would give now: the same
 * package versions, prepared with this kit's initramfs recipe.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { upToDate } from "./prepare.ts";
 * import { INITRAMFS_RECIPE } from "./initramfs.ts";
 * const packages = [{ name: "linux-image-6.1.0-57-amd64", version: "6.1.192-3", size: 1 }];
 * const info = { packages, recipe: INITRAMFS_RECIPE } as Parameters<typeof upToDate>[1];
 * assertEquals(upToDate(packages, info), true);
 * assertEquals(upToDate(packages, { ...info, recipe: undefined }), false);
 * ```
 */
export function upToDate(
  a: readonly { name: string; version: string }[],
  info: KernelInfo,
): boolean {
  const key = (ps: readonly { name: string; version: string }[]) =>
    ps.map((p) => `${p.name}=${p.version}`).sort().join(" ");
  return key(a) === key(info.packages) &&
    (info.recipe ?? 1) === INITRAMFS_RECIPE;
}

async function findFiles(
  root: string,
  test: (rel: string) => boolean,
  rel = "",
): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(join(root, rel))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory) out.push(...await findFiles(root, test, r));
    else if (test(r)) out.push(r);
  }
  return out;
}

/** The kernel image and module tree inside extracted packages. */
async function locateKernel(
  root: string,
): Promise<{ release: string; image: string; modules: string }> {
  const images = await findFiles(
    root,
    (r) =>
      /^boot\/vmlinuz-[^/]+$/.test(r) ||
      /^(usr\/)?lib\/modules\/[^/]+\/vmlinuz$/.test(r),
  );
  if (images.length !== 1) {
    throw new MatrixError(
      images.length === 0
        ? "the packages hold no kernel image (boot/vmlinuz-* or lib/modules/*/vmlinuz)"
        : `the packages hold several kernel images: ${images.join(", ")}`,
    );
  }
  const image = images[0];
  const release = image.startsWith("boot/")
    ? image.slice("boot/vmlinuz-".length)
    : image.split("/").at(-2)!;
  for (const base of ["lib/modules", "usr/lib/modules"]) {
    const modules = join(root, base, release);
    try {
      if ((await Deno.stat(modules)).isDirectory) {
        return { release, image: join(root, image), modules };
      }
    } catch { /* try the other */ }
  }
  throw new MatrixError(`no module tree for ${release}`);
}

/** Indexes a module tree: every module file by name, and modules.builtin. */
export async function indexModules(modulesDir: string): Promise<ModuleIndex> {
  const files = new Map<string, string>();
  for (const rel of await findFiles(modulesDir, (r) => !!moduleName(r))) {
    files.set(moduleName(rel)!, join(modulesDir, rel));
  }
  let builtin: Set<string> | undefined;
  try {
    const text = await Deno.readTextFile(join(modulesDir, "modules.builtin"));
    builtin = new Set(
      text.split("\n").map((l) => moduleName(l.trim())).filter((n) =>
        n !== undefined
      ),
    );
  } catch { /* sid's split packages ship it in linux-base-V only */ }
  return { files, builtin };
}

async function decompressModule(
  file: string,
  target: string,
  signal?: AbortSignal,
): Promise<void> {
  const tool = file.endsWith(".ko.xz")
    ? ["xz", "-dc", file]
    : file.endsWith(".ko.zst")
    ? ["zstd", "-dcq", file]
    : file.endsWith(".ko.gz")
    ? ["gzip", "-dc", file]
    : undefined;
  if (!tool) {
    await Deno.copyFile(file, target);
    return;
  }
  const [cmd, ...args] = tool;
  await Deno.writeFile(
    target,
    await execOk(cmd, args, { timeoutMs: 60_000, signal }),
  );
}

/** Prepares one kernel from downloaded packages in `work`. */
async function prepareFromPackages(
  request: KernelRequest,
  packages: PackageInfo[],
  work: string,
  dir: string,
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<CachedKernel> {
  const label = requestLabel(request);
  const root = join(work, "root");
  await Deno.mkdir(root, { recursive: true });
  let t = performance.now();
  for await (const e of Deno.readDir(work)) {
    if (!e.isFile || !e.name.endsWith(".deb")) continue;
    await execOk("dpkg-deb", ["-x", join(work, e.name), root], {
      timeoutMs: 300_000,
      signal,
    });
    await Deno.remove(join(work, e.name));
  }
  const k = await locateKernel(root);
  log(`${label}: ${k.release}: extracted (${seconds(t)})`);
  t = performance.now();

  const index = await indexModules(k.modules);
  const chosen = chooseShareFs(index);
  if (!chosen) {
    throw new MatrixError(
      `${k.release} has neither 9p nor virtiofs: a guest could not reach the host`,
    );
  }
  const fs: ShareFs = chosen;
  const optional = OPTIONAL_MODULES.filter((m) =>
    moduleState(index, m) === "file"
  );
  const wanted = [...SHARE_MODULES[fs], ...COMMON_MODULES, ...optional];
  const { load, missing } = await moduleLoadOrder(
    wanted,
    index,
    async (name) => {
      const out = await execOk(
        "modinfo",
        ["-F", "depends", index.files.get(name)!],
        { timeoutMs: 30_000, signal },
      );
      return new TextDecoder().decode(out).trim().split(",")
        .map((d) => d.trim().replaceAll("-", "_")).filter((d) => d);
    },
  );
  if (missing.length > 0) {
    throw new MatrixError(
      `${k.release} lacks ${
        missing.join(", ")
      } (neither a module nor built in)`,
    );
  }
  const mods = join(work, "modules");
  await Deno.mkdir(mods, { recursive: true });
  for (const m of load) {
    await decompressModule(index.files.get(m)!, join(mods, `${m}.ko`), signal);
  }

  const kdir = join(dir, k.release);
  const tmp = `${kdir}.tmp-${Deno.pid}`;
  await Deno.remove(tmp, { recursive: true }).catch(() => {});
  await Deno.mkdir(tmp, { recursive: true });
  try {
    return await keep(tmp, kdir);
  } catch (e) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw e;
  }

  // Writes what boots into tmp, then puts it in place of kdir.
  async function keep(tmp: string, kdir: string): Promise<CachedKernel> {
    const { vmlinux, compression } = await extractVmlinux(
      await Deno.readFile(k.image),
      signal,
    );
    await Deno.writeFile(join(tmp, "vmlinux"), vmlinux);
    const initrdBytes = await buildInitramfs(
      initramfsEntries({
        fs,
        modules: load,
        busybox: BUSYBOX,
        moduleDir: mods,
      }),
      join(work, "stage"),
      join(tmp, "initrd.cpio"),
    );
    const info: KernelInfo = {
      release: k.release,
      request: label,
      packages: packages.map((p) => ({
        name: p.name,
        version: p.version,
        size: p.size,
      })),
      fs,
      modules: load,
      missingModules: missing,
      compression,
      bytes: { vmlinux: vmlinux.length, initrd: initrdBytes },
      prepared: new Date().toISOString(),
      recipe: INITRAMFS_RECIPE,
    };
    await Deno.writeTextFile(
      join(tmp, "kernel.json"),
      JSON.stringify(info, null, 2) + "\n",
    );
    await Deno.remove(kdir, { recursive: true }).catch(() => {});
    await Deno.rename(tmp, kdir);
    log(
      `${label}: ${k.release}: vmlinux ${
        formatBytes(vmlinux.length)
      } (${compression} payload), initramfs ${
        formatBytes(initrdBytes)
      } (${fs}; ${load.join(", ") || "no modules"}) (${seconds(t)})`,
    );
    return { dir: kdir, info };
  }
}

/**
 * Fetches and prepares the requested kernels; one failing kernel does not
 * stop the others (its outcome says why).
 */
export async function fetchKernels(
  opts: FetchOptions,
): Promise<FetchOutcome[]> {
  const { dir, log, signal } = opts;
  const busybox = await Deno.readFile(BUSYBOX).catch(() => undefined);
  if (!busybox || !isStaticElf(busybox)) {
    throw new MatrixError(
      `${BUSYBOX} is not a static busybox (an initramfs needs one): apt-get install busybox-static`,
    );
  }
  const user = Deno.env.get("USER") ||
    (Deno.uid() === 0 ? "root" : String(Deno.uid()));
  const suites = [...new Set(opts.requests.map((r) => r.suite))];
  const apts = new Map<string, PrivateApt>();
  const t = performance.now();
  await Promise.all(suites.map(async (name) => {
    const suite = SUITES.find((s) => s.name === name)!;
    const apt = new PrivateApt(join(dir, "apt", name), suite, signal);
    await apt.update(user);
    apts.set(name, apt);
  }));
  log(`apt: package lists of ${suites.join(", ")} (${seconds(t)})`);

  // The cache's lock is ours: work and half-written kernel folders left by
  // a fetch that was killed go first.
  for await (const e of Deno.readDir(dir)) {
    if (/^\.work-|\.tmp-\d+$/.test(e.name)) {
      await Deno.remove(join(dir, e.name), { recursive: true });
    }
  }
  const existing = await listKernels(dir);
  const outcomes = await mapLimited(opts.requests, opts.jobs, async (r, i) => {
    const label = requestLabel(r);
    const work = join(dir, `.work-${Deno.pid}-${i}`);
    try {
      const apt = apts.get(r.suite)!;
      const packages = await resolveKernelPackages(
        r.package,
        (n) => apt.show(n),
      );
      const same = existing.find((k) => upToDate(packages, k.info));
      if (same) {
        log(`${label}: ${same.info.release}: up to date`);
        return { request: r, kernel: same, upToDate: true };
      }
      const bytes = packages.reduce((s, p) => s + p.size, 0);
      const started = performance.now();
      await Deno.mkdir(work, { recursive: true });
      await apt.download(packages, work);
      log(
        `${label}: downloaded ${packages.map((p) => p.name).join(", ")} (${
          formatBytes(bytes)
        }, ${seconds(started)})`,
      );
      const kernel = await prepareFromPackages(
        r,
        packages,
        work,
        dir,
        log,
        signal,
      );
      return { request: r, kernel };
    } catch (e) {
      if (!(e instanceof MatrixError)) throw e;
      log(`${label}: failed: ${e.message}`);
      return { request: r, error: e.message };
    } finally {
      await Deno.remove(work, { recursive: true }).catch(() => {});
    }
  });
  await Promise.all([...apts.values()].map((a) => a.dropLists()));
  return outcomes;
}
