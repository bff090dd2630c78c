/**
 * Runs a generated script under packetdrill, as root, in a network
 * namespace of its own (`unshare -n`, loopback brought up), so the tun
 * device and addresses packetdrill sets up never touch the machine's own.
 *
 * Which packetdrill: `$CLOSEWAIT_PACKETDRILL` if set, else `packetdrill` on
 * `PATH`, else the build `scripts/build_packetdrill.sh` leaves in the
 * cache folder (`$CLOSEWAIT_CACHE_DIR/packetdrill/` or
 * `${XDG_CACHE_HOME:-$HOME/.cache}/closewait/packetdrill/`). The choice is
 * made by the shell inside the namespace, so the kit needs no permission
 * beyond running `unshare`; the script goes in on stdin and is written to
 * a temporary folder there, named as the kit names it, so packetdrill's
 * messages name the script file (`x.ipv4.pkt:18: runtime error ...`).
 *
 * @module
 */

/** How to get packetdrill, for skip reasons. */
export const HOW_TO_GET =
  "set CLOSEWAIT_PACKETDRILL=/path/to/packetdrill, put packetdrill on PATH, or build it with scripts/build_packetdrill.sh (README: packetdrill reproducers)";

/** The verdict of one script run. */
export interface ScriptRun {
  /** `passed`, `failed` (packetdrill's own message), or `skipped` (why). */
  status: "passed" | "failed" | "skipped";
  /** packetdrill's message on failure, the reason when skipped. */
  message?: string;
  /** The packetdrill binary the namespace found. */
  packetdrill?: string;
  /** Wall time of the run (ms). */
  durationMs: number;
  /**
   * Set when the first run failed in a way that says nothing of the case
   * (see {@linkcode worthRetrying}) and the script was run once more: what
   * it said.
   */
  retriedAfter?: string;
}

/**
 * packetdrill's own lateness, not the kernel's: it injected a segment or
 * started a call later than the script said (a busy machine stalled it).
 * A script failing only so is run once more; a late *outbound* segment is
 * the kernel's doing and is never retried.
 */
export const LATE =
  /timing error: expected (inbound packet|system call start) at [\d.]+ sec but happened at/;

/** packetdrill's message for an outbound segment that never came. */
const NEVER_CAME =
  /^[^\n:]+:(\d+): error handling packet: Timed out waiting for packet/;

/**
 * Whether a failed run says nothing of the case, so the script is run once
 * more: packetdrill ran late ({@linkcode LATE}), or the kernel's first
 * segment of the script, the handshake's SYN or SYN-ACK, never came
 * (packetdrill waits 2 s past due). That is before any segment the case is
 * about: the connection under test never existed. Seen here twice in about
 * 1 400 IPv6 script runs (a tun address packetdrill had just added), never
 * for a later segment.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { worthRetrying } from "./run.ts";
 * const script = "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 < S 0:0(0) win 32792\n+0 > S. 0:0(0) ack 1 <...>\n+0 > F. 1:1(0) ack 1\n";
 * const never = (line: number) => `x.pkt:${line}: error handling packet: Timed out waiting for packet`;
 * assertEquals(worthRetrying(never(3), script), true);
 * assertEquals(worthRetrying(never(4), script), false);
 * ```
 */
export function worthRetrying(message: string, script: string): boolean {
  if (LATE.test(message)) return true;
  const line = NEVER_CAME.exec(message)?.[1];
  if (line === undefined) return false;
  const lines = script.split("\n");
  const firstOut = lines.findIndex((l) => /^\s*\S+\s+>\s/.test(l));
  return firstOut + 1 === Number(line) &&
    /^\s*\S+\s+>\s+S\.?\s/.test(lines[firstOut]);
}

/** Options for {@linkcode runScript}. */
export interface RunOptions {
  /** packetdrill gets this long before `timeout` stops it (s, default 30). */
  timeoutS?: number;
  /** `unshare` (tests point it elsewhere to exercise the skips). */
  unshare?: string;
  /** Extra environment for the namespace's shell. */
  env?: Record<string, string>;
}

const NOT_FOUND = 127;
const MARK = "closewait-packetdrill:";

/**
 * The shell run inside the namespace: `$1` the script's file name, stdin
 * the script. It picks packetdrill, brings loopback up, writes the script
 * to a temporary folder and runs it under `timeout`, then removes the
 * folder whatever happened.
 */
const WRAPPER = `
name="$1"
pd=""
if [ -n "\${CLOSEWAIT_PACKETDRILL:-}" ]; then
  if [ -x "$CLOSEWAIT_PACKETDRILL" ] && [ ! -d "$CLOSEWAIT_PACKETDRILL" ]; then pd="$CLOSEWAIT_PACKETDRILL"
  else echo "${MARK} CLOSEWAIT_PACKETDRILL=$CLOSEWAIT_PACKETDRILL is not an executable file" >&2; exit ${NOT_FOUND}; fi
fi
[ -n "$pd" ] || pd="$(command -v packetdrill 2>/dev/null || true)"
for c in "\${CLOSEWAIT_CACHE_DIR:+$CLOSEWAIT_CACHE_DIR/packetdrill/packetdrill}" \\
  "\${XDG_CACHE_HOME:-\${HOME:-/nonexistent}/.cache}/closewait/packetdrill/packetdrill"; do
  [ -n "$pd" ] && break
  [ -n "$c" ] && [ -x "$c" ] && pd="$c"
done
[ -n "$pd" ] || { echo "${MARK} packetdrill not found" >&2; exit ${NOT_FOUND}; }
echo "${MARK} using $pd" >&2
ip link set lo up 2>/dev/null || true
d="$(mktemp -d)" || exit 126
trap 'rm -rf "$d"' EXIT
cat >"$d/$name"
# Ahead of the machine's other work where allowed: a 40 ms stall lets a
# delayed ACK leave before the call the script runs next.
prio=""
nice -n -10 true 2>/dev/null && prio="nice -n -10"
cd "$d" && $prio timeout -k 2 "$2" "$pd" "$name"
`;

function trimmed(text: string): string {
  return text.split("\n").map((l) => l.trimEnd()).filter((l) => l !== "")
    .join("\n");
}

/**
 * Runs `script` (named `name`, e.g. `tcp-write-after-peer-close.ipv4.pkt`)
 * under packetdrill in a fresh network namespace. Never throws for a
 * machine that cannot: a missing `unshare`, no root or no packetdrill is a
 * `skipped` verdict with the reason and how to get it. A run whose failure
 * says nothing of the case ({@linkcode worthRetrying}) is run once more,
 * and says so (`retriedAfter`).
 *
 * @example
 * ```ts ignore
 * import { runScript } from "./run.ts";
 * const run = await runScript("x.ipv4.pkt", script);
 * console.log(run.status, run.message ?? "");
 * ```
 */
export async function runScript(
  name: string,
  script: string,
  options: RunOptions = {},
): Promise<ScriptRun> {
  const first = await runOnce(name, script, options);
  if (
    first.status !== "failed" || !worthRetrying(first.message ?? "", script)
  ) {
    return first;
  }
  const second = await runOnce(name, script, options);
  return {
    ...second,
    durationMs: first.durationMs + second.durationMs,
    retriedAfter: first.message,
  };
}

/**
 * Why packetdrill must not run here, when whoever started the kit said so
 * (`$CLOSEWAIT_PACKETDRILL_SKIP`: the kernel matrix sets it in a guest under
 * TCG, whose emulated CPU is slower than packetdrill's timing tolerance).
 */
function skipReason(options: RunOptions): string | undefined {
  if (options.env && "CLOSEWAIT_PACKETDRILL_SKIP" in options.env) {
    return options.env.CLOSEWAIT_PACKETDRILL_SKIP || undefined;
  }
  try {
    return Deno.env.get("CLOSEWAIT_PACKETDRILL_SKIP") || undefined;
  } catch {
    return undefined; // not permitted to read it: nobody could have set it for us
  }
}

async function runOnce(
  name: string,
  script: string,
  options: RunOptions,
): Promise<ScriptRun> {
  const skip = skipReason(options);
  if (skip) return { status: "skipped", message: skip, durationMs: 0 };
  if (!/^[\w.-]+$/.test(name)) {
    throw new Error(`not a plain file name: ${JSON.stringify(name)}`);
  }
  const timeoutS = options.timeoutS ?? 30;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(options.unshare ?? "unshare", {
      args: ["-n", "--", "sh", "-c", WRAPPER, "sh", name, String(timeoutS)],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      env: options.env,
    }).spawn();
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound
      ? "unshare is not installed (util-linux)"
      : e instanceof Deno.errors.NotCapable
      ? "the kit may not run unshare (deno.json permissions)"
      : `cannot run unshare: ${(e as Error).message}`;
    return { status: "skipped", message: why, durationMs: elapsed() };
  }
  // The outer deadline only matters if the namespace's own timeout failed.
  const killer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }, (timeoutS + 10) * 1000);
  let output: Deno.CommandOutput;
  try {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(script)).catch(() => {});
    await writer.close().catch(() => {});
    output = await child.output();
  } finally {
    clearTimeout(killer);
  }
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr);
  const lines = stderr.split("\n");
  const used = lines.find((l) => l.startsWith(`${MARK} using `))
    ?.slice(`${MARK} using `.length);
  const said = trimmed(
    lines.filter((l) => !l.startsWith(MARK)).join("\n") + "\n" + stdout,
  );
  const base = {
    durationMs: elapsed(),
    ...(used ? { packetdrill: used } : {}),
  };
  if (output.success) return { status: "passed", ...base };
  if (/unshare failed|Operation not permitted/.test(stderr) && !used) {
    return {
      status: "skipped",
      message:
        "needs root: packetdrill runs in a network namespace of its own (unshare -n) and opens a tun device",
      ...base,
    };
  }
  if (output.code === NOT_FOUND && !used) {
    const why = lines.find((l) => l.startsWith(MARK))?.slice(MARK.length + 1) ??
      "packetdrill not found";
    return { status: "skipped", message: `${why}: ${HOW_TO_GET}`, ...base };
  }
  if (output.code === 124 || output.code === 137) {
    return {
      status: "failed",
      message: `packetdrill did not finish within ${timeoutS} s${
        said ? `: ${said}` : " (waiting for a segment that never came?)"
      }`,
      ...base,
    };
  }
  return {
    status: "failed",
    message: said ||
      `packetdrill exited with code ${output.code} and said nothing`,
    ...base,
  };
}
