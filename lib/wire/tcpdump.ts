/**
 * Running tcpdump: spawn it, collect its output lines as they come, wait
 * (with a deadline) for a line, and always stop and reap it.
 *
 * Stopping sends SIGINT (tcpdump flushes and prints its statistics), waits
 * a grace period, then sends SIGKILL, and always awaits the exit status and
 * the end of both output streams, so no process or resource outlives a
 * case, whether it passed, failed or timed out.
 *
 * @module
 */

import type { Unavailable, UnavailableKind } from "../platform/unavailable.ts";
import { TextLineStream } from "@std/streams/text-line-stream";
import type { ExitStatus } from "../helper/protocol.ts";
import { TIMED_OUT, within } from "../deadline/within.ts";

/** The loopback interface the wire layer captures on (Linux). */
export const LOOPBACK = "lo";

/** How long tcpdump gets to exit after SIGINT before SIGKILL (ms). */
export const STOP_GRACE_MS = 2000;

/** Lines kept per stream; a runaway capture cannot eat the memory. */
const MAX_LINES = 50_000;

/**
 * The bytes tcpdump keeps of each packet: every header a loopback segment
 * has (link 14, IPv6 40, TCP with options 60), no payload. Not just
 * thrift: libpcap sizes the blocks of its capture ring from the snapshot
 * length, so the default (262 144) leaves a 2 MB ring only a few blocks,
 * and in immediate mode each is handed over early even with one packet in
 * it. A capture stalled a few ms on a busy machine then drops packets,
 * while it starts (other cases' loopback traffic, before its filter is
 * set) or after. Measured here (libpcap 1.10.3) with loopback flooded:
 * 1 556 to 6 592 "packets dropped by kernel" at start-up with the default,
 * none with 128; the kit saw 2 dropped once in 100 soak runs.
 */
export const SNAPSHOT_BYTES = 256;

/**
 * tcpdump's arguments for the wire layer: numeric (`-n`), epoch timestamps
 * in ns (`-tt --time-stamp-precision=nano`), absolute sequence numbers
 * (`-S`), every packet handed over at once (`--immediate-mode`) and each
 * line flushed as printed (`-l`), so a probe is seen as soon as it is sent;
 * headers only ({@linkcode SNAPSHOT_BYTES}).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { tcpdumpArgs } from "./tcpdump.ts";
 * assertEquals(tcpdumpArgs("tcp port 9").at(-1), "tcp port 9");
 * ```
 */
export function tcpdumpArgs(filter: string, iface = LOOPBACK): string[] {
  return [
    "-i",
    iface,
    "-n",
    "-tt",
    "--time-stamp-precision=nano",
    "-S",
    "-l",
    "--immediate-mode",
    "-s",
    String(SNAPSHOT_BYTES),
    filter,
  ];
}

/**
 * The program and arguments that run `command` (tcpdump) with `args`: under
 * coreutils `timeout` when a lifetime (s) is given. `timeout` forwards our
 * SIGINT, and if the test process dies it outlives it and ends the orphaned
 * capture; `--foreground` keeps it in the test process's process group, so
 * the kit can end that whole group (captures included) at once.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { tcpdumpCommand } from "./tcpdump.ts";
 * assertEquals(tcpdumpCommand(["-i", "lo"], "tcpdump", 5)[0], "timeout");
 * ```
 */
export function tcpdumpCommand(
  args: readonly string[],
  command = "tcpdump",
  lifetimeS?: number,
): [program: string, args: string[]] {
  return lifetimeS === undefined ? [command, [...args]] : [
    "timeout",
    ["--foreground", "--kill-after=2", String(lifetimeS), command, ...args],
  ];
}

/** Raised when tcpdump cannot be started from Deno at all. */
export class TcpdumpUnavailable extends Error {
  /** Creates the error with the kind of problem, the reason and the fix. */
  constructor(readonly kind: UnavailableKind, readonly reason: string) {
    super(reason);
    this.name = "TcpdumpUnavailable";
  }
}

/**
 * One running tcpdump.
 *
 * @example
 * ```ts ignore
 * import { TcpdumpProcess, tcpdumpArgs } from "./tcpdump.ts";
 * await using td = TcpdumpProcess.spawn(tcpdumpArgs("tcp port 9"));
 * await td.waitFor(() => td.listening, 5000);
 * ```
 */
export class TcpdumpProcess implements AsyncDisposable {
  readonly #child: Deno.ChildProcess;
  readonly #status: Promise<ExitStatus>;
  readonly #pumps: Promise<void>;
  readonly #readers: ReadableStreamDefaultReader<string>[] = [];
  readonly #stdout: string[] = [];
  readonly #stderr: string[] = [];
  readonly #waiters = new Set<() => void>();
  #exit: ExitStatus | undefined;
  #ended = false;
  #stopping: Promise<ExitStatus> | undefined;
  /** The arguments it was started with. */
  readonly args: readonly string[];
  /** `performance.now()` when it was spawned. */
  readonly spawnedAt: number;

  private constructor(child: Deno.ChildProcess, args: readonly string[]) {
    this.#child = child;
    this.args = args;
    this.spawnedAt = performance.now();
    this.#status = child.status.then((s) => {
      this.#exit = { code: s.code, signal: s.signal };
      this.#notify();
      return this.#exit;
    });
    this.#pumps = Promise.all([
      this.#pump(child.stdout, this.#stdout),
      this.#pump(child.stderr, this.#stderr),
    ]).then(() => {});
    Promise.all([this.#status, this.#pumps]).then(() => {
      this.#ended = true;
      this.#notify();
    });
  }

  /**
   * Spawns `tcpdump` (or `command`) with `args`, for at most `lifetimeS`
   * seconds when given. Throws {@linkcode TcpdumpUnavailable} when it is not
   * installed or Deno may not run it.
   */
  static spawn(
    args: readonly string[],
    command = "tcpdump",
    lifetimeS?: number,
  ): TcpdumpProcess {
    try {
      // With a lifetime, coreutils `timeout` runs tcpdump (tcpdumpCommand):
      // tcpdump reads no stdin, so nothing else would end an orphan.
      const [program, programArgs] = tcpdumpCommand(args, command, lifetimeS);
      const child = new Deno.Command(program, {
        args: programArgs,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      return new TcpdumpProcess(child, args);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new TcpdumpUnavailable(
          "absent",
          `${command} is not installed: apt-get install -y tcpdump (or run scripts/setup.sh as root)`,
        );
      }
      if (
        e instanceof Deno.errors.NotCapable ||
        e instanceof Deno.errors.PermissionDenied
      ) {
        throw new TcpdumpUnavailable(
          "not-permitted",
          `Deno may not run ${command} (${
            (e as Error).message
          }): run with -P (deno.json permissions.default.run lists "tcpdump") or --allow-run=tcpdump`,
        );
      }
      throw e;
    }
  }

  async #pump(stream: ReadableStream<Uint8Array>, sink: string[]) {
    const reader = stream
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(new TextLineStream() as TransformStream<string, string>)
      .getReader();
    this.#readers.push(reader);
    try {
      while (true) {
        const { done, value } = await reader.read();
        if (done) break;
        if (sink.length < MAX_LINES) sink.push(value);
        this.#notify();
      }
    } catch {
      // cancelled by stop(): the process is gone
    }
  }

  #notify() {
    for (const wake of this.#waiters) wake();
  }

  /** The lines tcpdump printed on stdout so far (one per packet). */
  get stdout(): readonly string[] {
    return this.#stdout;
  }

  /** The lines tcpdump printed on stderr so far (banner, errors, stats). */
  get stderr(): readonly string[] {
    return this.#stderr;
  }

  /** Whether tcpdump said it is capturing (`listening on lo, ...`). */
  get listening(): boolean {
    return this.#stderr.some((line) => line.startsWith("listening on "));
  }

  /** How it ended, once it has. */
  get exitStatus(): ExitStatus | undefined {
    return this.#exit;
  }

  /**
   * Waits until `condition()` holds, re-checking on every new line and at
   * exit; gives up after `ms`. Returns the condition's final value.
   */
  async waitFor(condition: () => boolean, ms: number): Promise<boolean> {
    const deadline = performance.now() + ms;
    while (!condition()) {
      const remaining = deadline - performance.now();
      if (this.#ended || remaining <= 0) return condition();
      const { promise, resolve } = Promise.withResolvers<void>();
      this.#waiters.add(resolve);
      try {
        await within(promise, remaining);
      } finally {
        this.#waiters.delete(resolve);
      }
    }
    return true;
  }

  /**
   * Stops tcpdump (SIGINT, then SIGKILL after `graceMs`) and reaps it; the
   * output streams are drained to their end. Safe to call more than once.
   */
  stop(graceMs: number = STOP_GRACE_MS): Promise<ExitStatus> {
    this.#stopping ??= this.#stop(graceMs);
    return this.#stopping;
  }

  async #stop(graceMs: number): Promise<ExitStatus> {
    const signal = (sig: Deno.Signal) => {
      try {
        this.#child.kill(sig);
      } catch {
        // already exited
      }
    };
    if (this.#exit === undefined) signal("SIGINT");
    if (await within(this.#status, graceMs) === TIMED_OUT) signal("SIGKILL");
    const status = await this.#status;
    // The pipes close with the process; if something still holds them,
    // cancel the readers rather than wait forever.
    if (await within(this.#pumps, 1000) === TIMED_OUT) {
      await Promise.all(this.#readers.map((r) => r.cancel().catch(() => {})));
      await this.#pumps;
    }
    return status;
  }

  /** Stops and reaps tcpdump (see {@linkcode TcpdumpProcess.stop}). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

/**
 * Why tcpdump cannot capture on loopback here, or `undefined` when it can:
 * Linux only (`lo`), tcpdump installed, Deno allowed to run it, and the
 * privilege to capture, checked by really starting a capture with the
 * wire layer's own arguments and waiting for tcpdump's `listening on lo`.
 *
 * @example
 * ```ts ignore
 * import { tcpdumpUnavailable } from "./tcpdump.ts";
 * const why = await tcpdumpUnavailable();
 * if (why) console.log(`wire layer skipped (${why.kind}): ${why.reason}`);
 * ```
 */
export async function tcpdumpUnavailable(
  timeoutMs = 5000,
  spawn: typeof TcpdumpProcess.spawn = TcpdumpProcess.spawn,
): Promise<Unavailable | undefined> {
  if (Deno.build.os !== "linux") {
    return {
      kind: "unsupported",
      reason:
        `the wire layer captures on Linux's loopback (lo); this is ${Deno.build.os}`,
    };
  }
  let td: TcpdumpProcess;
  try {
    // Under `timeout` like a capture: a probe whose test process dies ends.
    td = spawn(
      tcpdumpArgs("tcp port 9"),
      "tcpdump",
      Math.ceil(timeoutMs / 1000) + 3,
    );
  } catch (e) {
    if (e instanceof TcpdumpUnavailable) {
      return { kind: e.kind, reason: e.reason };
    }
    throw e;
  }
  await using _ = td;
  await td.waitFor(() => td.listening, timeoutMs);
  if (td.listening) return undefined;
  const said = td.stderr.filter((l) => !l.startsWith("tcpdump: verbose"))
    .join(" ").trim();
  // Under `timeout`, a tcpdump that cannot be found or run is timeout's
  // exit 127 or 126 (coreutils), not tcpdump's own failure.
  if (td.exitStatus?.code === 127) {
    return {
      kind: "absent",
      reason: `tcpdump is not installed (${
        said || "exit 127"
      }): apt-get install -y tcpdump (or run scripts/setup.sh as root)`,
    };
  }
  if (td.exitStatus?.code === 126) {
    return {
      kind: "not-permitted",
      reason: `tcpdump cannot be run (${said || "exit 126"})`,
    };
  }
  if (td.exitStatus) {
    // tcpdump ran and gave up: without the privilege it says so
    // ("You don't have permission to capture on that device", "Operation
    // not permitted"); anything else is a tcpdump that does not work.
    return {
      kind: /permission|not permitted/i.test(said) ? "not-permitted" : "broken",
      reason: `tcpdump cannot capture on ${LOOPBACK}: ${
        said || `exit ${td.exitStatus.code}`
      }; run as root, or give tcpdump CAP_NET_RAW and CAP_NET_ADMIN (setcap cap_net_raw,cap_net_admin=eip "$(command -v tcpdump)")`,
    };
  }
  return {
    kind: "broken",
    reason:
      `tcpdump did not start capturing on ${LOOPBACK} within ${timeoutMs} ms${
        said ? `: ${said}` : ""
      }`,
  };
}
