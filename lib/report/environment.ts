/**
 * The machine a kit run judged, as a report's header states it: OS, kernel,
 * architecture, Deno and V8, the tools the cases use (gcc, tcpdump), whether
 * it ran as root, and the kernel settings that shape a TCP teardown.
 *
 * Deno only lets `/proc` be read with `--allow-all`, so Linux sysctls are
 * read by `cat /proc/sys/...`; BSD-style systems answer `sysctl -n`.
 *
 * @module
 */

import { currentPlatform, type OsName } from "../platform/platform.ts";

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
}

/** Linux settings that change what a teardown looks like or how long it lasts. */
export const LINUX_SYSCTLS: readonly string[] = [
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
    return new TextDecoder().decode(out.stdout).trim();
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
  const [gcc, tcpdump, sysctls] = await Promise.all([
    probe("gcc", ["--version"]),
    probe("tcpdump", ["--version"]),
    readSysctls(p.os),
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
  };
}
