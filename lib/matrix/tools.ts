/**
 * The host tools the matrix needs, the Debian package each comes from, and
 * the one line a user sees when some are missing (`apt-get install ...`,
 * exit status 2). Also the platform gate: the matrix boots x86-64 Debian
 * kernels with QEMU, so it runs on Linux x86-64 only.
 *
 * @module
 */

/** A tool the matrix runs and where it comes from. */
export interface Tool {
  /** What to look for: a command name, or an absolute path. */
  name: string;
  /** The Debian package that provides it. */
  aptPackage: string;
  /** Other names or paths that do the same job (first found wins). */
  alternatives?: string[];
}

/** Tools `matrix fetch` needs (apt, dpkg, kmod, cpio, a static busybox). */
export const FETCH_TOOLS: readonly Tool[] = [
  { name: "apt-get", aptPackage: "apt" },
  { name: "apt-cache", aptPackage: "apt" },
  { name: "dpkg-deb", aptPackage: "dpkg" },
  { name: "modinfo", aptPackage: "kmod" },
  { name: "cpio", aptPackage: "cpio" },
  { name: "xz", aptPackage: "xz-utils" },
  { name: "zstd", aptPackage: "zstd" },
  { name: "/bin/busybox", aptPackage: "busybox-static" },
  {
    name: "/usr/share/keyrings/debian-archive-keyring.gpg",
    aptPackage: "debian-archive-keyring",
  },
];

/** Tools `matrix run` needs (QEMU, and setpriv to tie QEMU to our life). */
export const RUN_TOOLS: readonly Tool[] = [
  { name: "qemu-system-x86_64", aptPackage: "qemu-system-x86" },
  { name: "setpriv", aptPackage: "util-linux" },
];

/** virtiofsd, needed only by kernels without 9p (the -cloud flavours). */
export const VIRTIOFSD: Tool = {
  name: "/usr/lib/qemu/virtiofsd",
  aptPackage: "qemu-system-common",
  alternatives: ["/usr/libexec/virtiofsd", "virtiofsd"],
};

/** The folders searched for a command name (PATH is not trusted to hold sbin). */
export const TOOL_DIRS: readonly string[] = [
  "/usr/local/sbin",
  "/usr/local/bin",
  "/usr/sbin",
  "/usr/bin",
  "/sbin",
  "/bin",
];

/**
 * The one line shown when tools are missing: which, and what to install.
 * Packages are listed once each, in the order first needed.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { missingToolsLine } from "./tools.ts";
 * assertEquals(
 *   missingToolsLine([
 *     { name: "qemu-system-x86_64", aptPackage: "qemu-system-x86" },
 *     { name: "/bin/busybox", aptPackage: "busybox-static" },
 *   ]),
 *   "missing qemu-system-x86_64, /bin/busybox: apt-get install qemu-system-x86 busybox-static (or ./scripts/setup.sh --matrix as root)",
 * );
 * ```
 */
export function missingToolsLine(missing: readonly Tool[]): string {
  const packages = [...new Set(missing.map((t) => t.aptPackage))];
  return `missing ${missing.map((t) => t.name).join(", ")}: apt-get install ${
    packages.join(" ")
  } (or ./scripts/setup.sh --matrix as root)`;
}

/**
 * Why this machine cannot run the matrix, or `undefined` when it can
 * (Linux on x86-64).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { unsupportedReason } from "./tools.ts";
 * assertEquals(unsupportedReason("linux", "x86_64"), undefined);
 * assertEquals(
 *   unsupportedReason("darwin", "aarch64"),
 *   "the kernel matrix is not supported here (darwin aarch64): it boots x86-64 Debian kernels with QEMU and needs Linux on x86-64",
 * );
 * ```
 */
export function unsupportedReason(
  os: string,
  arch: string,
): string | undefined {
  if (os === "linux" && arch === "x86_64") return undefined;
  return `the kernel matrix is not supported here (${os} ${arch}): it boots x86-64 Debian kernels with QEMU and needs Linux on x86-64`;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    return info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0 ||
      path.endsWith(".gpg") && info.isFile;
  } catch {
    return false;
  }
}

/**
 * Where a tool is on this machine (its absolute path), or `undefined`.
 *
 * @example
 * ```ts ignore
 * import { findTool, RUN_TOOLS } from "./tools.ts";
 * console.log(await findTool(RUN_TOOLS[0]));
 * ```
 */
export async function findTool(tool: Tool): Promise<string | undefined> {
  for (const name of [tool.name, ...(tool.alternatives ?? [])]) {
    const candidates = name.startsWith("/")
      ? [name]
      : TOOL_DIRS.map((d) => `${d}/${name}`);
    for (const c of candidates) if (await isExecutable(c)) return c;
  }
  return undefined;
}

/** The tools of `tools` that this machine lacks. */
export async function missingTools(tools: readonly Tool[]): Promise<Tool[]> {
  const found = await Promise.all(tools.map(findTool));
  return tools.filter((_, i) => found[i] === undefined);
}
