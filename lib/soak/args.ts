/**
 * The soak command's flags: how many runs, under load or not, which cases,
 * where the JSON summary goes.
 *
 * @module
 */

import { parseFlags, UsageError } from "../runner/command_line.ts";
import { type Layer, LAYERS } from "../expectations/mod.ts";
import {
  type CaseFilter,
  parseFilter,
  parseJobs,
  parseRequire,
  REQUIREMENT_NAMES,
} from "../runner/args.ts";
import type { Requirement } from "../case/requirements.ts";

/** Parsed soak options. */
export interface SoakOptions {
  /** `--help`. */
  help: boolean;
  /** `--runs N`: how many times the whole selection runs (default 10). */
  runs: number;
  /** `--stress`: keep every core busy meanwhile. */
  stress: boolean;
  /** `--filter TEXT|/REGEX/`. */
  filter?: CaseFilter;
  /** `--layer LAYER`. */
  layer?: Layer;
  /** `--json FILE`: the summary as data. */
  json?: string;
  /** `--require LIST`: requirements whose absence fails a case. */
  require: Requirement[];
  /** `--jobs N`: test processes at once (default: one per core). */
  jobs?: number;
}

/** `deno task soak --help`. */
export const SOAK_HELP =
  `Usage: deno task soak [--runs N] [--stress] [--filter TEXT|/REGEX/] [--layer LAYER] [--require LIST] [--jobs N] [--json FILE]

Runs the kit's cases N times in a row and prints, per case and layer, how
many runs passed, failed or were skipped and the spread (min/median/p95/max)
of each timing figure; then checks that no helper or tcpdump process and no
loopback connection beyond TIME_WAIT was left behind.

  --runs N            runs to make (default 10)
  --stress            keep every core busy with spinning workers meanwhile
  --filter TEXT       cases whose id is TEXT, or contains it; /REGEX/ matches ids
  --layer LAYER       one layer only: ${LAYERS.join(", ")}
  --require LIST      fail, not skip, a case that lacks one of these
                      (comma-separated: ${REQUIREMENT_NAMES.join(", ")})
  --jobs N            test processes at once (default: one per core)
  --json FILE         write the summary as JSON (under reports/)
  -h, --help          this text

Exit status: 0 every run passed and nothing was left behind, 1 otherwise,
2 bad usage. Ctrl-C stops after the run in progress and prints what finished.`;

/**
 * Parses the soak command's arguments; throws {@linkcode UsageError}.
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { parseSoakArgs } from "./args.ts";
 * assertEquals(parseSoakArgs(["--runs", "500"]).runs, 500);
 * assertThrows(() => parseSoakArgs(["--runs", "0"]));
 * assertEquals(parseSoakArgs(["--jobs", "4"]).jobs, 4);
 * assertThrows(() => parseSoakArgs(["--jobs", "0"]));
 * ```
 */
export function parseSoakArgs(args: string[]): SoakOptions {
  const { help, booleans, strings: flags } = parseFlags(args, {
    boolean: ["stress"],
    string: ["runs", "filter", "layer", "json", "require", "jobs"],
  });
  const runsText = (flags.runs as string | undefined) ?? "10";
  if (!/^\d+$/.test(runsText) || Number(runsText) < 1) {
    throw new UsageError(`--runs ${runsText}: not a positive whole number`);
  }
  const layer = flags.layer as string | undefined;
  if (layer !== undefined && !(LAYERS as readonly string[]).includes(layer)) {
    throw new UsageError(
      `unknown layer ${JSON.stringify(layer)}; layers are ${LAYERS.join(", ")}`,
    );
  }
  return {
    help,
    runs: Number(runsText),
    stress: booleans.stress,
    filter: flags.filter !== undefined
      ? parseFilter(flags.filter as string)
      : undefined,
    layer: layer as Layer | undefined,
    json: flags.json as string | undefined,
    require: flags.require !== undefined ? parseRequire(flags.require) : [],
    ...(flags.jobs !== undefined ? { jobs: parseJobs(flags.jobs) } : {}),
  };
}
