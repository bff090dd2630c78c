/**
 * The small initramfs each matrix kernel boots: a static busybox, the few
 * modules needed to reach the host (virtio PCI, 9p or virtiofs, overlayfs)
 * and an `/init` script. The guest mounts the host's root read-only, lays
 * a tmpfs over the folders a run writes to, overlays a tmpfs on the folders
 * the kit needs writable (the checkout, Deno's cache), so a guest can never
 * write to the host except into its own result folder, brings up `lo` (the
 * only network a guest has), runs the command the host wrote, records its
 * exit status and powers off.
 *
 * What the guest does is said on its serial console as `KM_<WORD>` lines
 * (`KM_READY`, `KM_DONE`, `KM_FAIL <why>`) that the host watches.
 *
 * @module
 */

import { execOk, MatrixError } from "./process.ts";

/** How the guest reaches the host's files. */
export type ShareFs = "9p" | "virtiofs";

/** The modules each way of sharing needs, in load order before deps. */
export const SHARE_MODULES: Record<ShareFs, readonly string[]> = {
  "9p": ["virtio_pci", "9pnet_virtio", "9p"],
  virtiofs: ["virtio_pci", "virtiofs"],
};

/** Modules every guest needs besides the share (overlays of the checkout). */
export const COMMON_MODULES: readonly string[] = ["overlay"];

/**
 * Modules loaded when the kernel has them as modules (the kit uses them):
 * nf_tables for the dead-peer cases' drop rule (`nft`) and tun for
 * packetdrill, which Debian builds as modules; its dependencies (nfnetlink, libcrc32c) come with it.
 * libcrc32c (until 6.14) asks the crypto API for crc32c as it loads, which
 * only its soft dependency provides (modprobe would load it, insmod does
 * not), so crc32c_generic goes first.
 */
export const OPTIONAL_MODULES: readonly string[] = [
  "af_packet",
  "ipv6",
  "crc32c_generic",
  "nf_tables",
  "tun",
];

/**
 * What goes into a prepared kernel's initramfs, as a number: raised when
 * the modules or `/init` change, so `matrix fetch` prepares again a kernel
 * that an older kit prepared (its `kernel.json` says `recipe`, or nothing
 * before recipe 2).
 */
export const INITRAMFS_RECIPE = 3;

/** A kernel's modules: name → path, and what is built in (if known). */
export interface ModuleIndex {
  /** Module name (`-` read as `_`) → its file, relative to the tree. */
  files: Map<string, string>;
  /** Names of built-in modules (`modules.builtin`), when the kernel ships it. */
  builtin?: Set<string>;
}

/**
 * A module's canonical name from its file name (`9pnet_virtio.ko.xz` →
 * `9pnet_virtio`, `dm-mod.ko` → `dm_mod`), or `undefined` for other files.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { moduleName } from "./initramfs.ts";
 * assertEquals(moduleName("kernel/fs/9p/9p.ko.zst"), "9p");
 * assertEquals(moduleName("kernel/drivers/md/dm-mod.ko"), "dm_mod");
 * assertEquals(moduleName("modules.order"), undefined);
 * ```
 */
export function moduleName(path: string): string | undefined {
  const m = /([^/]+)\.ko(\.(xz|zst|gz))?$/.exec(path);
  return m ? m[1].replaceAll("-", "_") : undefined;
}

/** Whether a module is there: as a file, built in, absent, or unknown. */
export function moduleState(
  index: ModuleIndex,
  name: string,
): "file" | "builtin" | "absent" | "unknown" {
  if (index.files.has(name)) return "file";
  if (!index.builtin) return "unknown";
  return index.builtin.has(name) ? "builtin" : "absent";
}

/**
 * How a kernel can reach the host: 9p when its 9p modules are there (as
 * files or built in), else virtiofs (Debian's -cloud kernels have no 9p);
 * `undefined` when neither is.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { chooseShareFs } from "./initramfs.ts";
 * const files = new Map([["9p", "a"], ["9pnet_virtio", "b"]]);
 * assertEquals(chooseShareFs({ files, builtin: new Set(["virtio_pci"]) }), "9p");
 * assertEquals(chooseShareFs({ files: new Map(), builtin: new Set(["virtiofs"]) }), "virtiofs");
 * assertEquals(chooseShareFs({ files: new Map(), builtin: new Set() }), undefined);
 * ```
 */
export function chooseShareFs(index: ModuleIndex): ShareFs | undefined {
  const has = (n: string) => {
    const s = moduleState(index, n);
    return s === "file" || s === "builtin";
  };
  if (has("9p") && has("9pnet_virtio")) return "9p";
  if (has("virtiofs")) return "virtiofs";
  // Without modules.builtin, a share absent as a file may be built in:
  // virtiofs is the one Debian builds in (6.12+), 9p never.
  if (!index.builtin) return "virtiofs";
  return undefined;
}

/**
 * The modules to load, dependencies first: the closure of `wanted` under
 * `depends` (a module's direct dependencies). Modules not present as files
 * are left out (built in, or known absent: see `missing`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { moduleLoadOrder } from "./initramfs.ts";
 * const deps: Record<string, string[]> = { "9p": ["9pnet", "netfs"], "9pnet": ["netfs"], netfs: [] };
 * const files = new Map(Object.keys(deps).map((n) => [n, `${n}.ko`]));
 * const order = await moduleLoadOrder(["virtio_pci", "9p"], { files }, (n) => Promise.resolve(deps[n]));
 * assertEquals(order, { load: ["netfs", "9pnet", "9p"], missing: [] });
 * ```
 */
export async function moduleLoadOrder(
  wanted: readonly string[],
  index: ModuleIndex,
  depends: (name: string) => Promise<string[]>,
): Promise<{ load: string[]; missing: string[] }> {
  const load: string[] = [];
  const missing: string[] = [];
  const visiting = new Set<string>();
  const visit = async (name: string): Promise<void> => {
    if (load.includes(name) || visiting.has(name)) return;
    const state = moduleState(index, name);
    if (state === "absent") {
      if (!missing.includes(name)) missing.push(name);
      return;
    }
    if (state !== "file") return;
    visiting.add(name);
    for (const dep of await depends(name)) await visit(dep);
    visiting.delete(name);
    load.push(name);
  };
  for (const name of wanted) await visit(name);
  return { load, missing };
}

/** Quotes a string for a POSIX shell. */
export function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** The busybox `mount` command for one share of the host. */
function mountShare(fs: ShareFs, tag: string, dir: string, ro: boolean) {
  return fs === "9p"
    ? `mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=loose${
      ro ? ",ro" : ""
    } ${tag} ${dir}`
    : `mount -t virtiofs${ro ? " -o ro" : ""} ${tag} ${dir}`;
}

/**
 * The guest's `/init` (busybox sh). The host's files come from two shares:
 * `hostroot` (the host's `/`, read-only) and `kmout` (the run's result
 * folder, writable), which holds `overlays` (one absolute path a line: made
 * writable over a tmpfs) and `cmd.sh` (run chrooted into the host's root,
 * in an empty environment).
 *
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { initScript } from "./initramfs.ts";
 * const init = initScript({ fs: "9p", modules: ["netfs", "9pnet", "9p"] });
 * assert(init.indexOf("insmod /lib/modules/netfs.ko") < init.indexOf("insmod /lib/modules/9p.ko"));
 * assert(init.includes("mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=loose,ro hostroot /newroot"));
 * ```
 */
export function initScript(opts: { fs: ShareFs; modules: string[] }): string {
  const lines = [
    "#!/bin/busybox sh",
    "# closewait kernel matrix: the guest's init (lib/matrix/initramfs.ts).",
    "/bin/busybox mkdir -p /proc /sys /dev /out /newroot /hostview /upper",
    "/bin/busybox --install -s /bin",
    "export PATH=/bin",
    "mount -t proc proc /proc",
    "mount -t sysfs sysfs /sys",
    "mount -t devtmpfs devtmpfs /dev",
    "exec </dev/console >/dev/console 2>&1",
    "up() { cut -d' ' -f1 /proc/uptime; }",
    'fail() { echo "KM_FAIL $*"; sync; poweroff -f; sleep 10; }',
    'echo "KM_BOOTED $(up)"',
    ...opts.modules.map((m) =>
      `insmod /lib/modules/${m}.ko || fail "insmod ${m}"`
    ),
    `${mountShare(opts.fs, "kmout", "/out", false)} || fail "mount kmout"`,
    `${
      mountShare(opts.fs, "hostroot", "/newroot", true)
    } || fail "mount hostroot"`,
    // The host's tree as it is, before tmpfs hides /tmp and the rest.
    'mount --bind /newroot /hostview || fail "bind hostview"',
    "for d in tmp run var/tmp dev/shm; do",
    '  [ -d "/newroot/$d" ] && mount -t tmpfs -o mode=1777 tmpfs "/newroot/$d"',
    "done",
    'mount -t proc proc /newroot/proc || fail "mount proc"',
    'mount -t sysfs sysfs /newroot/sys || fail "mount sysfs"',
    'mount -t devtmpfs devtmpfs /newroot/dev || fail "mount dev"',
    "mkdir -p /newroot/dev/pts /newroot/dev/shm",
    "mount -t devpts devpts /newroot/dev/pts",
    "mount -t tmpfs -o mode=1777 tmpfs /newroot/dev/shm",
    'mount -t tmpfs tmpfs /upper || fail "mount upper"',
    "i=0",
    "while IFS= read -r p; do",
    '  [ -n "$p" ] || continue',
    "  i=$((i + 1))",
    '  mkdir -p "/upper/$i/u" "/upper/$i/w" "/newroot$p"',
    '  mount -t overlay overlay -o "lowerdir=/hostview$p,upperdir=/upper/$i/u,workdir=/upper/$i/w" "/newroot$p" || fail "overlay $p"',
    "done < /out/overlays",
    'mkdir -p /newroot/run/km-out && mount --bind /out /newroot/run/km-out || fail "bind out"',
    'ifconfig lo 127.0.0.1 up || fail "lo"',
    'echo "KM_READY $(up)"',
    "env -i /bin/chroot /newroot /bin/sh /run/km-out/cmd.sh >/out/stdout 2>/out/stderr",
    "rc=$?",
    "echo $rc > /out/rc.tmp && mv /out/rc.tmp /out/rc",
    "sync",
    'echo "KM_DONE $rc $(up)"',
    "poweroff -f",
    "sleep 10",
    "",
  ];
  return lines.join("\n");
}

/** One file of the initramfs. */
export interface InitramfsEntry {
  /** Path inside the archive (no leading slash). */
  path: string;
  /** Where its bytes come from: a host file, or text. */
  from: { file: string } | { text: string };
  /** Permission bits. */
  mode: number;
}

/**
 * Every file of a kernel's initramfs: `/init`, the static busybox and the
 * modules (decompressed files in `moduleDir`, loaded by name).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { initramfsEntries } from "./initramfs.ts";
 * const entries = initramfsEntries({ fs: "9p", modules: ["netfs", "9p"], busybox: "/bin/busybox", moduleDir: "/w/m" });
 * assertEquals(entries.map((e) => e.path), ["init", "bin/busybox", "lib/modules/netfs.ko", "lib/modules/9p.ko"]);
 * ```
 */
export function initramfsEntries(opts: {
  fs: ShareFs;
  modules: string[];
  busybox: string;
  moduleDir: string;
}): InitramfsEntry[] {
  return [
    {
      path: "init",
      from: { text: initScript({ fs: opts.fs, modules: opts.modules }) },
      mode: 0o755,
    },
    { path: "bin/busybox", from: { file: opts.busybox }, mode: 0o755 },
    ...opts.modules.map((m) => ({
      path: `lib/modules/${m}.ko`,
      from: { file: `${opts.moduleDir}/${m}.ko` },
      mode: 0o644,
    })),
  ];
}

/**
 * Whether an ELF executable is static (has no program interpreter), as the
 * busybox in an initramfs must be (Debian's `busybox-static`, not `busybox`).
 *
 * @example
 * ```ts ignore
 * import { isStaticElf } from "./initramfs.ts";
 * console.log(isStaticElf(await Deno.readFile("/bin/busybox")));
 * ```
 */
export function isStaticElf(bytes: Uint8Array): boolean {
  if (
    bytes.length < 64 || bytes[0] !== 0x7f || bytes[1] !== 0x45 ||
    bytes[4] !== 2 /* 64-bit */ || bytes[5] !== 1 /* little-endian */
  ) return false;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const phoff = Number(v.getBigUint64(0x20, true));
  const phentsize = v.getUint16(0x36, true);
  const phnum = v.getUint16(0x38, true);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + 4 > bytes.length) return false;
    if (v.getUint32(at, true) === 3 /* PT_INTERP */) return false;
  }
  return true;
}

/**
 * Writes the initramfs (an uncompressed newc cpio: the kernel unpacks it
 * faster than it would decompress one) to `target`, staging the entries in
 * `stage` (an empty folder) and archiving them with GNU cpio.
 */
export async function buildInitramfs(
  entries: InitramfsEntry[],
  stage: string,
  target: string,
): Promise<number> {
  const dirs = new Set<string>();
  for (const e of entries) {
    const parts = e.path.split("/").slice(0, -1);
    for (let i = 1; i <= parts.length; i++) {
      dirs.add(parts.slice(0, i).join("/"));
    }
    const dest = `${stage}/${e.path}`;
    await Deno.mkdir(dest.slice(0, dest.lastIndexOf("/")), {
      recursive: true,
    });
    if ("text" in e.from) await Deno.writeTextFile(dest, e.from.text);
    else await Deno.copyFile(e.from.file, dest);
    await Deno.chmod(dest, e.mode);
  }
  const list = [...dirs, ...entries.map((e) => e.path)].join("\n") + "\n";
  const archive = await execOk(
    "cpio",
    ["-o", "-H", "newc", "-R", "0:0", "--quiet"],
    {
      cwd: stage,
      stdin: new TextEncoder().encode(list),
      timeoutMs: 60_000,
    },
  );
  if (archive.length === 0) throw new MatrixError("cpio wrote nothing");
  await Deno.writeFile(target, archive);
  return archive.length;
}
