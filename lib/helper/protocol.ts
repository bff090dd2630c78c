/**
 * The C helper's line protocol: one command in, one answer line out.
 *
 * An answer is `ok|fail|bad` followed by `key=value` words; `ret`, `errno`,
 * `t0` and `t1` (CLOCK_MONOTONIC ns before and after the system call) are
 * lifted into fields, the rest stay in `fields`. A helper that dies before
 * answering gets a synthetic `died` answer carrying how it ended.
 *
 * @module
 */

/** How a helper process ended, as reported by `Deno.Command`. */
export interface ExitStatus {
  /** Exit code; 128 + signal number when killed by a signal. */
  code: number;
  /** The terminating signal, e.g. `"SIGPIPE"`, or `null` for a normal exit. */
  signal: Deno.Signal | null;
}

/** One answer from the helper, parsed. */
export interface Answer {
  /** The command line this answers, as sent. */
  command: string;
  /** `ok`: the call succeeded; `fail`: it returned -1; `bad`: malformed
   * command; `died`: the helper ended before answering. */
  kind: "ok" | "fail" | "bad" | "died";
  /** The system call's return value (-1 for `fail`, `bad` and `died`). */
  ret: number;
  /** errno name for `fail`, e.g. `"EPIPE"`. */
  errno?: string;
  /** CLOCK_MONOTONIC before the call, in ns (0n when not reported). */
  t0: bigint;
  /** CLOCK_MONOTONIC after the call, in ns (0n when not reported). */
  t1: bigint;
  /** Every other `key=value` word of the answer, e.g. `state`, `revents`. */
  fields: Record<string, string>;
  /** For `died`: how the helper ended. */
  exit?: ExitStatus;
  /** The raw line (empty for `died`). */
  line: string;
}

/** Raised when a line from the helper does not follow the protocol. */
export class ProtocolError extends Error {
  /** Creates the error for the offending line. */
  constructor(line: string, why: string) {
    super(`helper protocol: ${why}: ${JSON.stringify(line)}`);
    this.name = "ProtocolError";
  }
}

/**
 * Parses one answer line.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseAnswer } from "./protocol.ts";
 * const a = parseAnswer("write 5 123", "fail ret=-1 errno=EPIPE t0=10 t1=12");
 * assertEquals([a.kind, a.errno, a.t1 - a.t0], ["fail", "EPIPE", 2n]);
 * ```
 */
export function parseAnswer(command: string, line: string): Answer {
  const words = line.trim().split(/\s+/);
  const kind = words.shift();
  if (kind !== "ok" && kind !== "fail" && kind !== "bad") {
    throw new ProtocolError(line, "answer must start with ok, fail or bad");
  }
  const fields: Record<string, string> = {};
  for (const word of words) {
    const eq = word.indexOf("=");
    if (eq <= 0) throw new ProtocolError(line, `not key=value: ${word}`);
    fields[word.slice(0, eq)] = word.slice(eq + 1);
  }
  const take = (key: string): string | undefined => {
    const value = fields[key];
    delete fields[key];
    return value;
  };
  const int = (key: string): bigint => {
    const value = take(key);
    if (value === undefined) return 0n;
    if (!/^-?\d+$/.test(value)) {
      throw new ProtocolError(line, `${key} is not an integer`);
    }
    return BigInt(value);
  };
  const ret = kind === "bad" ? -1 : Number(int("ret"));
  const errno = take("errno");
  if (kind === "fail" && errno === undefined) {
    throw new ProtocolError(line, "fail without errno");
  }
  return {
    command,
    kind,
    ret,
    errno,
    t0: int("t0"),
    t1: int("t1"),
    fields,
    line,
  };
}

/** Builds the answer for a command the helper never answered. */
export function diedAnswer(command: string, exit: ExitStatus): Answer {
  return {
    command,
    kind: "died",
    ret: -1,
    t0: 0n,
    t1: 0n,
    fields: {},
    exit,
    line: "",
  };
}

/**
 * The observation an answer stands for, in the form expectations use:
 * the return value (`"3"`, `"0"`), `"-1 EPIPE"` for a failure,
 * `"killed by SIGPIPE"` or `"exited 1"` for a death.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { brief, parseAnswer } from "./protocol.ts";
 * assertEquals(brief(parseAnswer("write 5 x", "ok ret=1 t0=1 t1=2")), "1");
 * ```
 */
export function brief(answer: Answer): string {
  switch (answer.kind) {
    case "ok":
      return String(answer.ret);
    case "fail":
      return `-1 ${answer.errno}`;
    case "bad":
      return `bad command (${answer.fields.reason ?? "?"})`;
    case "died":
      return describeExit(answer.exit!);
  }
}

/**
 * Like {@linkcode brief}, but a read that returned data also shows it:
 * `5 "hello"` (the first bytes the helper reports, as text).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { briefRead, parseAnswer } from "./protocol.ts";
 * const a = parseAnswer("read 5 16", "ok ret=5 t0=1 t1=2 hex=68656c6c6f");
 * assertEquals(briefRead(a), '5 "hello"');
 * ```
 */
export function briefRead(answer: Answer): string {
  const hex = answer.fields.hex;
  if (answer.kind !== "ok" || answer.ret <= 0 || !hex) return brief(answer);
  const bytes = new Uint8Array(hex.match(/../g)!.map((b) => parseInt(b, 16)));
  return `${answer.ret} ${JSON.stringify(new TextDecoder().decode(bytes))}`;
}

/** `"killed by SIGPIPE"` or `"exited 0"`. */
export function describeExit(exit: ExitStatus): string {
  return exit.signal ? `killed by ${exit.signal}` : `exited ${exit.code}`;
}

/** Microseconds from `from` to `to`, both CLOCK_MONOTONIC ns. */
export function elapsedUs(from: bigint, to: bigint): number {
  return Number(to - from) / 1000;
}
