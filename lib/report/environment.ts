/**
 * The machine a kit run judged, as a report's header states it: OS,
 * distribution, kernel, architecture, Deno and V8, the tools the cases use
 * (gcc, tcpdump), whether it ran as root, the kernel settings that shape a
 * TCP teardown's segments, the kit's own git commit when run from a
 * checkout, and the command line.
 *
 * Deno only lets `/proc` be read with `--allow-all`, so Linux sysctls are
 * read by `cat /proc/sys/...`; BSD-style systems answer `sysctl -n`. The
 * kit's permissions allow `cat` but no reads outside its sources, so
 * `/etc/os-release` and `.git/` are read the same way.
 *
 * @module
 */

import { currentPlatform, type OsName } from "../platform/platform.ts";
import { runtimeHeader } from "../runtimes/runtimes.ts";
import { Helper } from "../helper/helper.ts";

/** What a report says about the machine. */
export interface Environment {
  /** Operating system (`Deno.build.os`, narrowed). */
  os: OsName;
  /** Kernel release (`uname -r`). */
  kernel: string;
  /** CPU architecture. */
  arch: string;
  /** Deno version. */
  deno: string;
  /** V8 version. */
  v8: string;
  /** First line of `gcc --version`, or `null` when absent. */
  gcc: string | null;
  /** First line of `tcpdump --version`, or `null` when absent. */
  tcpdump: string | null;
  /** Whether the kit ran as root (`null`: no such notion, e.g. Windows). */
  root: boolean | null;
  /** Teardown-related kernel settings that could be read, by name. */
  sysctls: Record<string, string>;
  /** The node layer's runtimes (`Node.js`, `Bun`): version and origin, or why absent. */
  runtimes?: Record<string, string>;
  /** `PRETTY_NAME` of `/etc/os-release`, e.g. `Debian GNU/Linux 12 (bookworm)`. */
  distribution?: string | null;
  /** The kit's checkout, when it runs from one (`null`: not a git checkout). */
  source?: KitSource | null;
  /** The command line of the kit's process, shell-quoted. */
  commandLine?: string;
  /**
   * Facts of the running kernel that differ between releases and explain a
   * row (`null`: not measured here, e.g. no helper).
   */
  kernelFacts?: KernelFacts | null;
}

/** Kernel facts measured on the running kernel. */
export interface KernelFacts {
  /**
   * Bytes `getsockopt(IPPROTO_TCP, TCP_INFO)` fills: `struct tcp_info`
   * grows with releases (Linux 6.1: 232, 6.12: 248, 6.18 and 7.2: 280).
   */
  tcpInfoBytes: number;
}

/** Which revision of the kit ran. */
export interface KitSource {
  /** The commit checked out (40 hex digits). */
  commit: string;
  /** The branch, when HEAD is on one. */
  branch?: string;
  /** The `origin` remote's URL, without any credentials in it. */
  repository?: string;
}

/**
 * Linux settings that change a teardown's segments (options, SACK, window
 * scaling, early retransmit, congestion control, whether an RST purges the
 * receive queue) or how long it lasts. Names the kernel does not have (such
 * as `tcp_purge_receive_queue` before it was added) are left out.
 */
export const LINUX_SYSCTLS: readonly string[] = [
  "net.ipv4.tcp_timestamps",
  "net.ipv4.tcp_sack",
  "net.ipv4.tcp_window_scaling",
  "net.ipv4.tcp_early_retrans",
  "net.ipv4.tcp_congestion_control",
  "net.ipv4.tcp_purge_receive_queue",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_orphan_retries",
  "net.ipv4.tcp_max_orphans",
  "net.ipv4.tcp_retries2",
  "net.ipv4.tcp_tw_reuse",
  "net.ipv4.tcp_max_tw_buckets",
  "net.ipv4.tcp_rfc1337",
  "net.ipv4.tcp_abort_on_overflow",
  "net.ipv4.tcp_keepalive_time",
];

/** The same for macOS and FreeBSD (names that do not exist are left out). */
export const BSD_SYSCTLS: readonly string[] = [
  "net.inet.tcp.msl",
  "net.inet.tcp.blackhole",
  "net.inet.tcp.finwait2_timeout",
  "net.inet.tcp.fast_finwait2_recycle",
  "net.inet.tcp.keepidle",
];

/** How long one probe command may take (ms). */
const PROBE_TIMEOUT_MS = 5000;

/**
 * Runs a command with a deadline and returns its trimmed stdout, or
 * `undefined` when it is missing, not permitted, fails or times out. The
 * child is always reaped (`output()` waits for it; the signal kills it).
 */
async function probe(
  command: string,
  args: string[],
  trim = true,
): Promise<string | undefined> {
  try {
    const out = await new Deno.Command(command, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    }).output();
    if (!out.success) return undefined;
    const text = new TextDecoder().decode(out.stdout);
    return trim ? text.trim() : text;
  } catch {
    return undefined;
  }
}

/**
 * The first non-empty line of a `--version` output.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { firstLine } from "./environment.ts";
 * assertEquals(firstLine("\ntcpdump version 4.99.3\nlibpcap version 1.10.3\n"), "tcpdump version 4.99.3");
 * ```
 */
export function firstLine(text: string | undefined): string | null {
  const line = text?.split("\n").map((l) => l.trim()).find((l) => l !== "");
  return line ?? null;
}

function isRoot(): boolean | null {
  try {
    const uid = Deno.uid();
    return uid === null ? null : uid === 0;
  } catch {
    return null;
  }
}

async function readSysctls(os: OsName): Promise<Record<string, string>> {
  const names = os === "linux"
    ? LINUX_SYSCTLS
    : os === "darwin" || os === "freebsd"
    ? BSD_SYSCTLS
    : [];
  const values = await Promise.all(
    names.map((name) =>
      os === "linux"
        ? probe("cat", [`/proc/sys/${name.replaceAll(".", "/")}`])
        : probe("sysctl", ["-n", name])
    ),
  );
  const sysctls: Record<string, string> = {};
  names.forEach((name, i) => {
    const v = values[i];
    if (v !== undefined && v !== "") sysctls[name] = v.replace(/\s+/g, " ");
  });
  return sysctls;
}

/**
 * `PRETTY_NAME` from an `os-release` file's text.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { prettyName } from "./environment.ts";
 * assertEquals(prettyName('NAME="Debian"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n'), "Debian GNU/Linux 12 (bookworm)");
 * ```
 */
export function prettyName(osRelease: string | undefined): string | null {
  const m = /^PRETTY_NAME=(.*)$/m.exec(osRelease ?? "");
  if (!m) return null;
  const v = m[1].trim().replace(/^(["'])(.*)\1$/, "$2").replace(
    /\\(.)/g,
    "$1",
  );
  return v || null;
}

/**
 * A git remote URL without credentials (`https://user:token@host/x` →
 * `https://host/x`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { withoutCredentials } from "./environment.ts";
 * assertEquals(withoutCredentials("https://x:secret@github.com/o/r.git"), "https://github.com/o/r.git");
 * assertEquals(withoutCredentials("git@github.com:o/r.git"), "git@github.com:o/r.git");
 * ```
 */
export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1");
}

/**
 * The checkout's commit, branch and origin from the text of `.git/HEAD`,
 * the ref file or `packed-refs`, and `.git/config`; `null` without a
 * commit.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { kitSourceFrom } from "./environment.ts";
 * const sha = "a".repeat(40);
 * assertEquals(
 *   kitSourceFrom("ref: refs/heads/main\n", (ref) => ref === "refs/heads/main" ? sha : undefined,
 *     '[remote "origin"]\n\turl = https://github.com/o/closewait\n'),
 *   { commit: sha, branch: "main", repository: "https://github.com/o/closewait" },
 * );
 * ```
 */
export function kitSourceFrom(
  head: string | undefined,
  resolve: (ref: string) => string | undefined,
  config: string | undefined,
): KitSource | null {
  const h = head?.trim() ?? "";
  const ref = /^ref: (\S+)$/.exec(h)?.[1];
  const commit = ref ? resolve(ref)?.trim() : h;
  if (!commit || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit)) return null;
  const source: KitSource = { commit };
  if (ref?.startsWith("refs/heads/")) {
    source.branch = ref.slice("refs/heads/".length);
  }
  const origin = /\[remote "origin"\]([^[]*)/.exec(config ?? "")?.[1];
  const url = origin && /^\s*url\s*=\s*(\S+)\s*$/m.exec(origin)?.[1];
  if (url) source.repository = withoutCredentials(url);
  return source;
}

/** A ref's commit from `packed-refs` text. */
function packedRef(
  packed: string | undefined,
  ref: string,
): string | undefined {
  for (const line of (packed ?? "").split("\n")) {
    const [sha, name] = line.trim().split(" ");
    if (name === ref) return sha;
  }
  return undefined;
}

/** A file's path from a `file:` URL (percent-decoded: `my%20kit` is `my kit`). */
function filePath(url: URL): string {
  const path = decodeURIComponent(url.pathname);
  return Deno.build.os === "windows"
    ? path.replace(/^\/([A-Za-z]:)/, "$1")
    : path;
}

/** Reads a file's text, or `undefined` when it cannot. */
export type FileReader = (url: URL) => Promise<string | undefined>;

/**
 * The kit's revision from the checkout at `root`: `.git` may be a folder,
 * or a file pointing at one (`gitdir: ...`, a worktree or submodule, whose
 * refs and config live in its `commondir`). `null` when `root` is no
 * checkout.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { readKitSource } from "./environment.ts";
 * const sha = "c".repeat(40);
 * const files: Record<string, string> = {
 *   "/src/kit/.git": "gitdir: /src/main/.git/worktrees/kit\n",
 *   "/src/main/.git/worktrees/kit/HEAD": "ref: refs/heads/fix\n",
 *   "/src/main/.git/worktrees/kit/commondir": "../..\n",
 *   "/src/main/.git/refs/heads/fix": `${sha}\n`,
 * };
 * const source = await readKitSource(new URL("file:///src/kit/"), (u) => Promise.resolve(files[u.pathname]));
 * assertEquals(source, { commit: sha, branch: "fix" });
 * ```
 */
export async function readKitSource(
  root: URL,
  read: FileReader,
): Promise<KitSource | null> {
  let git = new URL(".git/", root);
  let head = await read(new URL("HEAD", git));
  let common = git;
  if (head === undefined) {
    const pointer = /^gitdir: (.+)$/m.exec(
      (await read(new URL(".git", root))) ?? "",
    )?.[1].trim();
    if (!pointer) return null;
    git = new URL(pointer.endsWith("/") ? pointer : `${pointer}/`, root);
    head = await read(new URL("HEAD", git));
    if (head === undefined) return null;
    const commondir = (await read(new URL("commondir", git)))?.trim();
    common = commondir
      ? new URL(commondir.endsWith("/") ? commondir : `${commondir}/`, git)
      : git;
  }
  const ref = /^ref: (\S+)$/.exec(head.trim())?.[1];
  const [loose, packed, config] = await Promise.all([
    ref && /^refs\/[\w./-]+$/.test(ref) && !ref.includes("..")
      ? read(new URL(ref, common))
      : undefined,
    read(new URL("packed-refs", common)),
    read(new URL("config", common)),
  ]);
  return kitSourceFrom(
    head,
    (r) => loose ?? packedRef(packed, r),
    config,
  );
}

/**
 * Words quoted for a POSIX shell only where they need it.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { shellJoin } from "./environment.ts";
 * assertEquals(shellJoin(["deno", "task", "kit", "--filter", "/^tcp-/", "it's"]), "deno task kit --filter '/^tcp-/' 'it'\\''s'");
 * ```
 */
export function shellJoin(words: readonly string[]): string {
  return words.map((w) =>
    /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", `'\\''`)}'`
  ).join(" ");
}

async function readCommandLine(): Promise<string> {
  if (Deno.build.os === "linux") {
    const raw = await probe("cat", [`/proc/${Deno.pid}/cmdline`], false);
    const words = raw?.split("\0").filter((w, i, all) =>
      w !== "" || i < all.length - 1
    );
    if (words?.length) return shellJoin(words);
  }
  let exec = "deno";
  try {
    exec = Deno.execPath();
  } catch { /* not permitted: the name will do */ }
  return shellJoin([exec, "run", Deno.mainModule, ...Deno.args]);
}

/**
 * Probes this machine. Every command has a deadline; what cannot be found
 * or read is reported as absent rather than failing the run.
 *
 * @example
 * ```ts ignore
 * import { probeEnvironment } from "./environment.ts";
 * const env = await probeEnvironment();
 * console.log(env.kernel, env.gcc ?? "gcc absent");
 * ```
 */
export async function probeEnvironment(): Promise<Environment> {
  const p = currentPlatform();
  const [
    gcc,
    tcpdump,
    sysctls,
    osRelease,
    source,
    commandLine,
    kernelFacts,
  ] = await Promise
    .all([
      probe("gcc", ["--version"]),
      probe("tcpdump", ["--version"]),
      readSysctls(p.os),
      p.os === "linux" || p.os === "freebsd"
        ? probe("cat", ["/etc/os-release"])
        : undefined,
      readKitSource(
        new URL("../../", import.meta.url),
        (url) => probe("cat", [filePath(url)]),
      ),
      readCommandLine(),
      probeKernelFacts(),
    ]);
  return {
    os: p.os,
    kernel: p.kernel,
    arch: p.arch,
    deno: p.deno,
    v8: p.v8,
    gcc: firstLine(gcc),
    tcpdump: firstLine(tcpdump),
    root: isRoot(),
    sysctls,
    runtimes: await runtimeHeader(),
    distribution: prettyName(osRelease),
    source,
    commandLine,
    kernelFacts,
  };
}

/**
 * Measures the {@linkcode KernelFacts} through the C helper (an unconnected
 * TCP socket's `tcp-info`); `null` when the helper cannot run here or the
 * kernel has no TCP_INFO.
 *
 * @example
 * ```ts ignore
 * import { probeKernelFacts } from "./environment.ts";
 * console.log((await probeKernelFacts())?.tcpInfoBytes); // 280 on Linux 6.18
 * ```
 */
export async function probeKernelFacts(): Promise<KernelFacts | null> {
  try {
    await using h = await Helper.start({ name: "kernel-facts" });
    const fd = (await h.expectOk("socket 4")).fields.fd;
    const info = await h.run(`tcp-info ${fd}`);
    await h.expectOk(`close ${fd}`);
    const bytes = Number(info.fields.len);
    return info.kind === "ok" && Number.isInteger(bytes) && bytes > 0
      ? { tcpInfoBytes: bytes }
      : null;
  } catch {
    return null; // no helper here (or not allowed to run): not measured
  }
}
