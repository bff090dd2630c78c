/**
 * What every command of the kit (kit, soak, bench, compare) does the same
 * way on its command line: flags parsed with `@std/cli`, every mistake one
 * {@linkcode UsageError} line and exit status 2, never a stack trace.
 *
 * @module
 */

import { parseArgs } from "@std/cli/parse-args";

/** A mistake on the command line (exit status 2, one line, no stack). */
export class UsageError extends Error {
  /** Creates the error with the line to show. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The flags a command takes. */
export interface FlagSpec {
  /** Flags without a value. `help` (and `-h`) is always one. */
  boolean?: string[];
  /** Flags with a value; an empty value is a usage error. */
  string?: string[];
  /** Whether arguments other than flags are allowed (e.g. file names). */
  positional?: boolean;
}

/** Parsed flags: booleans, strings (or undefined), and the positionals. */
export interface Flags {
  /** `--help` or `-h`. */
  help: boolean;
  /** Boolean flags by name. */
  booleans: Record<string, boolean>;
  /** String flags by name (undefined when not given). */
  strings: Record<string, string | undefined>;
  /** Other arguments, in order. */
  positionals: string[];
}

/**
 * Parses `args` against `spec`; throws {@linkcode UsageError} on an unknown
 * flag, an unexpected argument (`--` included), a flag given twice, or a
 * flag given without its value.
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { parseFlags } from "./command_line.ts";
 * assertEquals(parseFlags(["--runs", "3"], { string: ["runs"] }).strings.runs, "3");
 * assertThrows(() => parseFlags(["--rnus", "3"], { string: ["runs"] }));
 * ```
 */
export function parseFlags(args: string[], spec: FlagSpec): Flags {
  const unknown: string[] = [];
  const booleanNames = ["help", ...(spec.boolean ?? [])];
  const stringNames = spec.string ?? [];
  // `--` would make everything after it a positional no command wants, and
  // a flag given twice would silently keep only its last value.
  if (args.includes("--")) {
    throw new UsageError('unexpected argument "--" (see --help)');
  }
  const given = new Set<string>();
  for (const arg of args) {
    const m = /^--?([^=]+)/.exec(arg);
    if (!m) continue;
    const name = m[1] === "h" ? "help" : m[1];
    if (!booleanNames.includes(name) && !stringNames.includes(name)) continue;
    if (given.has(name)) {
      throw new UsageError(`--${name} given twice (see --help)`);
    }
    given.add(name);
  }
  const parsed = parseArgs(args, {
    boolean: booleanNames,
    string: stringNames,
    alias: { h: "help" },
    unknown: (arg: string) => {
      if (spec.positional && !arg.startsWith("-")) return true;
      unknown.push(arg);
      return false;
    },
  });
  if (unknown.length > 0) {
    const first = unknown[0];
    throw new UsageError(
      first.startsWith("-")
        ? `unknown flag ${first.split("=")[0]} (see --help)`
        : `unexpected argument ${JSON.stringify(first)} (see --help)`,
    );
  }
  const strings: Record<string, string | undefined> = {};
  for (const name of stringNames) {
    const value = parsed[name];
    if (value !== undefined && (typeof value !== "string" || value === "")) {
      throw new UsageError(`--${name} needs a value (see --help)`);
    }
    strings[name] = value as string | undefined;
  }
  const booleans: Record<string, boolean> = {};
  for (const name of booleanNames) booleans[name] = Boolean(parsed[name]);
  return {
    help: booleans.help,
    booleans,
    strings,
    positionals: parsed._.map(String),
  };
}

/**
 * Runs a command's `main` with `Deno.args` and exits with its status; a
 * {@linkcode UsageError} becomes `error: <message>` on stderr and status 2.
 *
 * @example
 * ```ts ignore
 * import { runCommand } from "./command_line.ts";
 * if (import.meta.main) await runCommand(async (args) => args.length ? 0 : 2);
 * ```
 */
export async function runCommand(
  main: (args: string[]) => Promise<number>,
): Promise<never> {
  let code: number;
  try {
    code = await main(Deno.args);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`error: ${e.message}`);
    code = 2;
  }
  Deno.exit(code);
}
