/**
 * One matrix guest: writes what the guest's `/init` reads (`overlays`,
 * `cmd.sh`) into the guest's own result folder, starts `virtiofsd` when the
 * kernel needs it and QEMU, watches the serial console for the guest's
 * `KM_*` lines, enforces the guest's deadline, and reads back the command's
 * exit status, the kit's JSON report and the kernel facts.
 *
 * Every process is started under `setpriv --pdeathsig KILL`, so it dies
 * with the matrix command even if that is killed outright; on a timeout or
 * Ctrl-C it gets SIGTERM, then SIGKILL, and is always reaped.
 *
 * @module
 */

import { join } from "@std/path";
import { TextLineStream } from "@std/streams/text-line-stream";
import type { CachedKernel } from "./cache.ts";
import { type KernelFacts, parseKernelFacts } from "./facts.ts";
import { shellQuote } from "./initramfs.ts";
import { lastLine } from "./process.ts";
import { qemuArgs, virtiofsdArgs } from "./qemu.ts";

/** What the command in a guest does and where it runs. */
export interface GuestCommand {
  /** The checkout (working directory; overlaid writable). */
  cwd: string;
  /** The Deno binary. */
  deno: string;
  /** The Deno cache the guest uses (overlaid writable). */
  denoDir: string;
  /** Arguments after `deno task kit`. */
  kitArgs: string[];
  /**
   * The `kit` task of deno.json (a shell line). The guest runs it with sh
   * rather than through `deno task`, which costs seconds under TCG.
   */
  kitTask: string;
  /**
   * The host's packetdrill, if it has one: the guest's kit runs it (its
   * own lookup would miss a binary in the host user's cache folder, since
   * the guest's HOME is a tmpfs).
   */
  packetdrill?: string;
  /**
   * Why the guest's kit must skip its packetdrill rows, if it must (TCG: an
   * emulated CPU is slower than packetdrill's timing tolerance).
   */
  packetdrillSkip?: string;
}

/**
 * The packetdrill the host's kit would run, for the guests: `named` (the
 * host's `$CLOSEWAIT_PACKETDRILL`) if set, else `packetdrill/packetdrill` in the
 * first of `cacheDirs` that has it as an executable file. One on PATH is
 * not needed: the guest has the host's PATH folders.
 *
 * @example
 * ```ts ignore
 * import { hostPacketdrill } from "./guest.ts";
 * const pd = await hostPacketdrill(
 *   ["/w/kit/node_modules/.cache/closewait", "/root/.cache/closewait"],
 *   Deno.env.get("CLOSEWAIT_PACKETDRILL"),
 * );
 * ```
 */
export async function hostPacketdrill(
  cacheDirs: readonly string[],
  named: string | undefined,
): Promise<string | undefined> {
  if (named) return named;
  for (const dir of cacheDirs) {
    const path = `${dir.replace(/\/+$/, "")}/packetdrill/packetdrill`;
    try {
      const info = await Deno.stat(path);
      if (info.isFile && ((info.mode ?? 0) & 0o111) !== 0) return path;
    } catch {
      // not there: the next folder
    }
  }
  return undefined;
}

/**
 * A deno.json task line with its `deno` command replaced by the binary's
 * path, for a plain POSIX shell.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { taskCommandLine } from "./guest.ts";
 * assertEquals(
 *   taskCommandLine('X="$PWD/c" deno run -P=kit scripts/kit.ts', "/d/deno"),
 *   `X="$PWD/c" '/d/deno' run -P=kit scripts/kit.ts`,
 * );
 * ```
 */
export function taskCommandLine(task: string, deno: string): string {
  return task.replace(/(^|\s)deno(?=\s)/, `$1${shellQuote(deno)}`);
}

/** The kit's report inside the guest (under reports/, as the kit allows). */
export const GUEST_REPORT = "reports/.matrix-guest.json";

/** The command's exit status when the checkout is not there. */
export const NO_CHECKOUT = 97;

/**
 * The guest's `cmd.sh`: a clean environment, the kernel facts, then the
 * kit, its report copied out to `/run/km-out`.
 *
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { guestScript } from "./guest.ts";
 * const s = guestScript({
 *   cwd: "/w/kit",
 *   deno: "/w/kit/node_modules/deno/deno",
 *   denoDir: "/c/deno",
 *   kitArgs: ["--filter", "tcp-fin-reads-zero"],
 *   kitTask: "deno run -P=kit scripts/kit.ts",
 * });
 * assert(s.includes("'/w/kit/node_modules/deno/deno' run -P=kit scripts/kit.ts --json reports/.matrix-guest.json '--filter' 'tcp-fin-reads-zero'"));
 * ```
 */
export function guestScript(c: GuestCommand): string {
  const denoBin = c.deno.slice(0, c.deno.lastIndexOf("/")) || "/";
  const q = shellQuote;
  return [
    "# closewait kernel matrix: the command a guest runs (lib/matrix/guest.ts).",
    `export HOME=/tmp/home PATH=${
      q(`${denoBin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`)
    }`,
    `export DENO_DIR=${
      q(c.denoDir)
    } NO_COLOR=1 DENO_NO_UPDATE_CHECK=1 DENO_NO_PROMPT=1 LANG=C.UTF-8`,
    ...(c.packetdrill
      ? [`export CLOSEWAIT_PACKETDRILL=${q(c.packetdrill)}`]
      : []),
    ...(c.packetdrillSkip
      ? [`export CLOSEWAIT_PACKETDRILL_SKIP=${q(c.packetdrillSkip)}`]
      : []),
    'mkdir -p "$HOME"',
    // Guest uptime at each step, for the progress line and a slow guest.
    "stamp() { echo \"$1 $(cut -d' ' -f1 /proc/uptime)\" >>/run/km-out/times; }",
    "stamp start",
    `cd ${q(c.cwd)} || exit ${NO_CHECKOUT}`,
    `${
      q(c.deno)
    } run --allow-ffi --allow-sys=osRelease lib/matrix/facts.ts >/run/km-out/facts.json 2>/run/km-out/facts.err`,
    "stamp kit",
    `${taskCommandLine(c.kitTask, c.deno)} --json ${GUEST_REPORT} ${
      c.kitArgs.map(q).join(" ")
    }`.trimEnd(),
    "rc=$?",
    "stamp end",
    `cp ${GUEST_REPORT} /run/km-out/report.json 2>/dev/null`,
    "exit $rc",
    "",
  ].join("\n");
}

/**
 * The folders a guest must be able to write to (each overlaid on a tmpfs
 * of its own, never written back): the checkout, the Deno cache, and the
 * Deno binary's folder when it is elsewhere (so it stays visible when it
 * lies under a folder the guest covers with a tmpfs, such as /tmp). A
 * folder inside another one listed is left out.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { overlayPaths } from "./guest.ts";
 * assertEquals(
 *   overlayPaths({ cwd: "/w/kit", deno: "/w/kit/node_modules/deno/deno", denoDir: "/c/deno", kitArgs: [], kitTask: "" }),
 *   ["/c/deno", "/w/kit"],
 * );
 * ```
 */
export function overlayPaths(c: GuestCommand): string[] {
  const denoBin = c.deno.slice(0, c.deno.lastIndexOf("/")) || "/";
  const all = [...new Set([c.cwd, c.denoDir, denoBin])].sort();
  return all.filter((p) =>
    !all.some((q) => q !== p && (q === "/" || p.startsWith(q + "/")))
  );
}

/** How a guest ended. */
export type GuestStatus =
  | "done"
  | "no-report"
  | "boot-failed"
  | "died"
  | "timeout"
  | "interrupted";

/** What one guest did. */
export interface GuestOutcome {
  /** How it ended. */
  status: GuestStatus;
  /** Why, for anything but `done`. */
  reason?: string;
  /** The command's exit status (the kit's), when it got that far. */
  rc?: number;
  /** The kit's JSON report (text), when written. */
  report?: string;
  /** The kernel facts, when probed. */
  facts?: KernelFacts;
  /** Guest uptime (s) when the command started. */
  bootSeconds?: number;
  /** Guest uptime (s) at each step of the command (start, kit, end). */
  steps?: Record<string, number>;
  /** The last lines of the serial console. */
  consoleTail: string[];
  /** The last lines the command wrote on stderr. */
  stderrTail: string[];
}

/** What a guest run needs. */
export interface GuestOptions {
  /** The prepared kernel. */
  kernel: CachedKernel;
  /** This guest's own folder (created; shared as `kmout`). */
  outDir: string;
  /** What to run. */
  command: GuestCommand;
  /** KVM or TCG. */
  accel: "kvm" | "tcg";
  /** Guest memory (MiB). */
  memoryMiB: number;
  /** The guest's deadline (ms), boot included. */
  timeoutMs: number;
  /** Paths of qemu-system-x86_64, setpriv and (virtiofs) virtiofsd. */
  tools: { qemu: string; setpriv: string; virtiofsd?: string };
  /** Called when the guest reaches its command. */
  onRunning?: () => void;
  /** Ctrl-C. */
  signal?: AbortSignal;
}

const CONSOLE_KEEP = 40;
const KILL_GRACE_MS = 2000;
const SOCKET_WAIT_MS = 10_000;

function spawnTied(
  setpriv: string,
  cmd: string,
  args: string[],
  stdout: "piped" | "null",
): Deno.ChildProcess {
  return new Deno.Command(setpriv, {
    args: ["--pdeathsig", "KILL", "--", cmd, ...args],
    stdin: "null",
    stdout,
    stderr: "piped",
  }).spawn();
}

async function stop(child: Deno.ChildProcess): Promise<void> {
  const kill = (sig: Deno.Signal) => {
    try {
      child.kill(sig);
    } catch { /* gone */ }
  };
  kill("SIGTERM");
  const timer = setTimeout(() => kill("SIGKILL"), KILL_GRACE_MS);
  try {
    await child.status;
  } finally {
    clearTimeout(timer);
  }
}

async function waitForFile(
  path: string,
  ms: number,
  signal?: AbortSignal,
): Promise<boolean> {
  const end = performance.now() + ms;
  while (performance.now() < end && !signal?.aborted) {
    try {
      await Deno.stat(path);
      return true;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return undefined;
  }
}

/** Drains a child's stderr, keeping its text (always consumed). */
async function collect(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    text = (text + chunk).slice(-16_384);
  }
  return text;
}

/**
 * Boots one guest, runs its command and says how it went. Never throws for
 * what the guest does; every process it started is reaped before it
 * returns.
 */
export async function runGuest(o: GuestOptions): Promise<GuestOutcome> {
  await Deno.mkdir(o.outDir, { recursive: true });
  await Deno.writeTextFile(
    join(o.outDir, "overlays"),
    overlayPaths(o.command).join("\n") + "\n",
  );
  await Deno.writeTextFile(join(o.outDir, "cmd.sh"), guestScript(o.command));

  const helpers: Deno.ChildProcess[] = [];
  const helperErrors: Promise<string>[] = [];
  const consoleTail: string[] = [];
  let qemu: Deno.ChildProcess | undefined;
  let qemuErr: Promise<string> = Promise.resolve("");
  let timedOut = false;
  let failLine: string | undefined;
  let bootSeconds: number | undefined;
  let done = false;
  try {
    let sockets: { hostroot: string; kmout: string } | undefined;
    if (o.kernel.info.fs === "virtiofs") {
      if (!o.tools.virtiofsd) {
        return {
          status: "boot-failed",
          reason:
            "this kernel has no 9p and needs virtiofsd: apt-get install qemu-system-common",
          consoleTail,
          stderrTail: [],
        };
      }
      sockets = {
        hostroot: join(o.outDir, "..", `${o.kernel.info.release}.root.sock`),
        kmout: join(o.outDir, "..", `${o.kernel.info.release}.out.sock`),
      };
      for (
        const [tag, dir] of [["hostroot", "/"], ["kmout", o.outDir]] as const
      ) {
        const child = spawnTied(
          o.tools.setpriv,
          o.tools.virtiofsd,
          virtiofsdArgs(sockets[tag], dir),
          "null",
        );
        helpers.push(child);
        helperErrors.push(collect(child.stderr));
        if (!await waitForFile(sockets[tag], SOCKET_WAIT_MS, o.signal)) {
          const why = lastLine(
            await Promise.race([
              helperErrors.at(-1)!,
              new Promise<string>((r) => setTimeout(() => r(""), 200)),
            ]),
          );
          return {
            status: o.signal?.aborted ? "interrupted" : "boot-failed",
            reason: `virtiofsd did not start${why ? `: ${why}` : ""}`,
            consoleTail,
            stderrTail: [],
          };
        }
      }
    }

    qemu = spawnTied(
      o.tools.setpriv,
      o.tools.qemu,
      qemuArgs({
        kernel: join(o.kernel.dir, "vmlinux"),
        initrd: join(o.kernel.dir, "initrd.cpio"),
        outDir: o.outDir,
        fs: o.kernel.info.fs,
        accel: o.accel,
        memoryMiB: o.memoryMiB,
        sockets,
      }),
      "piped",
    );
    qemuErr = collect(qemu.stderr);
    const child = qemu;
    const consoleDone = (async () => {
      const lines = child.stdout
        .pipeThrough(new TextDecoderStream())
        .pipeThrough(new TextLineStream());
      for await (const raw of lines) {
        const line = String(raw).replace(/\r$/, "");
        consoleTail.push(line);
        if (consoleTail.length > CONSOLE_KEEP) consoleTail.shift();
        const m = /^KM_(READY|FAIL|DONE)\b\s*(.*)$/.exec(line);
        if (m?.[1] === "READY") {
          bootSeconds = Number(m[2]) || undefined;
          o.onRunning?.();
        } else if (m?.[1] === "FAIL") failLine = m[2];
        else if (m?.[1] === "DONE") done = true;
      }
    })();
    const onAbort = () => stop(child);
    o.signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(() => {
      timedOut = true;
      stop(child);
    }, o.timeoutMs);
    try {
      await child.status;
      await consoleDone.catch(() => {});
    } finally {
      clearTimeout(timer);
      o.signal?.removeEventListener("abort", onAbort);
    }
  } finally {
    if (qemu) await stop(qemu);
    await Promise.all(helpers.map(stop));
    await Promise.all(helperErrors.map((p) => p.catch(() => "")));
  }

  const rcText = await readText(join(o.outDir, "rc"));
  const rc = rcText !== undefined && /^\d+\s*$/.test(rcText)
    ? Number(rcText)
    : undefined;
  const report = await readText(join(o.outDir, "report.json"));
  const facts = parseKernelFacts(
    await readText(join(o.outDir, "facts.json")) ?? "",
  );
  const stderrTail = (await readText(join(o.outDir, "stderr")) ?? "")
    .split("\n").filter((l) => l.trim()).slice(-10);
  const steps: Record<string, number> = {};
  for (
    const line of (await readText(join(o.outDir, "times")) ?? "").split("\n")
  ) {
    const [name, up] = line.trim().split(" ");
    if (name && Number.isFinite(Number(up))) steps[name] = Number(up);
  }
  const base = { consoleTail, stderrTail, bootSeconds, facts, rc, steps };
  if (o.signal?.aborted) {
    return { ...base, status: "interrupted", reason: "interrupted" };
  }
  if (timedOut && rc === undefined) {
    return {
      ...base,
      status: "timeout",
      reason: `no result within ${Math.round(o.timeoutMs / 1000)} s${
        bootSeconds === undefined
          ? " (the guest never reached its command)"
          : ""
      }`,
    };
  }
  if (failLine) {
    return {
      ...base,
      status: "boot-failed",
      reason: `guest init: ${failLine}`,
    };
  }
  if (rc === undefined) {
    const qemuLine = lastLine(await qemuErr);
    const panic = consoleTail.find((l) => /Kernel panic/.test(l));
    return {
      ...base,
      status: "died",
      reason: panic
        ? panic.replace(/^\[[^\]]*\]\s*/, "")
        : `the guest stopped without a result${
          qemuLine ? ` (qemu: ${qemuLine})` : done ? "" : ""
        }`,
    };
  }
  if (rc === NO_CHECKOUT) {
    return {
      ...base,
      status: "no-report",
      reason: `the guest could not enter the checkout ${o.command.cwd}`,
    };
  }
  if (!report) {
    return {
      ...base,
      status: "no-report",
      reason: `the kit exited with ${rc} without a report${
        stderrTail.length ? `: ${stderrTail.at(-1)}` : ""
      }`,
      report,
    };
  }
  return { ...base, status: "done", report };
}
