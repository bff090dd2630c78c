/**
 * The matrix's one way to run a host tool (apt-get, dpkg-deb, xz, cpio...):
 * with a deadline, an optional abort signal (Ctrl-C), the child always
 * reaped, and a failure turned into one {@linkcode MatrixError} line that
 * names the command and the last line it wrote on stderr.
 *
 * @module
 */

/** A step of the matrix that failed: one line to show, exit status 1. */
export class MatrixError extends Error {
  /** Creates the error with the line to show. */
  constructor(message: string) {
    super(message);
    this.name = "MatrixError";
  }
}

/** How to run a tool. */
export interface ExecOptions {
  /** Working directory. */
  cwd?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Bytes to write to its stdin (otherwise stdin is /dev/null). */
  stdin?: Uint8Array;
  /** Deadline (ms); the child gets SIGKILL when it passes. */
  timeoutMs: number;
  /** Aborting stops the child (SIGKILL). */
  signal?: AbortSignal;
}

/** What a tool did. */
export interface ExecResult {
  /** Exit code (`null` when a signal ended it). */
  code: number | null;
  /** Its stdout. */
  stdout: Uint8Array;
  /** Its stderr, decoded. */
  stderr: string;
  /** Whether the deadline ended it. */
  timedOut: boolean;
}

/**
 * The last non-empty line of a tool's stderr, for an error message.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { lastLine } from "./process.ts";
 * assertEquals(lastLine("Reading...\nE: Unable to locate package x\n\n"), "E: Unable to locate package x");
 * ```
 */
export function lastLine(text: string): string {
  return text.split("\n").map((l) => l.trim()).filter((l) => l).at(-1) ?? "";
}

/**
 * Runs `cmd args...` and waits for it; never throws for a non-zero exit
 * (see {@linkcode execOk}), only when the tool cannot be started.
 *
 * @example
 * ```ts ignore
 * import { exec } from "./process.ts";
 * const r = await exec("uname", ["-r"], { timeoutMs: 5000 });
 * console.log(new TextDecoder().decode(r.stdout));
 * ```
 */
export async function exec(
  cmd: string,
  args: string[],
  opts: ExecOptions,
): Promise<ExecResult> {
  const deadline = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal
    ? AbortSignal.any([deadline, opts.signal])
    : deadline;
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(cmd, {
      args,
      cwd: opts.cwd,
      env: opts.env,
      stdin: opts.stdin ? "piped" : "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (e) {
    throw new MatrixError(`cannot run ${cmd}: ${(e as Error).message}`);
  }
  const kill = () => {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  };
  signal.addEventListener("abort", kill, { once: true });
  try {
    // Written while the output is read: a filter (xz -dc) blocks on a full
    // stdout pipe until someone reads it.
    const writing = opts.stdin
      ? (async () => {
        const writer = child.stdin.getWriter();
        try {
          await writer.write(opts.stdin);
          await writer.close();
        } catch { /* the child stopped reading: its exit status tells */ }
      })()
      : Promise.resolve();
    const out = await child.output();
    await writing;
    return {
      code: out.signal ? null : out.code,
      stdout: out.stdout,
      stderr: new TextDecoder().decode(out.stderr),
      timedOut: deadline.aborted,
    };
  } finally {
    signal.removeEventListener("abort", kill);
  }
}

/**
 * Runs a tool and returns its stdout; throws {@linkcode MatrixError} (what
 * was run, why it failed) on a non-zero exit, a signal or the deadline.
 *
 * @example
 * ```ts ignore
 * import { execOk } from "./process.ts";
 * await execOk("dpkg-deb", ["-x", "k.deb", "out/"], { timeoutMs: 120_000 });
 * ```
 */
export async function execOk(
  cmd: string,
  args: string[],
  opts: ExecOptions,
): Promise<Uint8Array> {
  const r = await exec(cmd, args, opts);
  if (r.code === 0) return r.stdout;
  if (opts.signal?.aborted) throw new MatrixError("interrupted");
  const what = [cmd, ...args].join(" ");
  const short = what.length > 120 ? what.slice(0, 117) + "..." : what;
  const why = r.timedOut
    ? `did not finish within ${Math.round(opts.timeoutMs / 1000)} s`
    : r.code === null
    ? "was killed by a signal"
    : `exited with ${r.code}`;
  const line = lastLine(r.stderr);
  throw new MatrixError(`${short} ${why}${line ? `: ${line}` : ""}`);
}
