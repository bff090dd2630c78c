/**
 * The kit runner's command line: flags, their checks, and the help text.
 * Every mistake becomes a {@linkcode UsageError} with one line to show; the
 * runner prints it and exits with status 2.
 *
 * @module
 */

import { parseFlags, UsageError } from "./command_line.ts";
import { assertDistinctOutputs } from "./output_path.ts";
import { type Layer, LAYERS } from "../expectations/mod.ts";
import { type Requirement, REQUIREMENTS } from "../case/requirements.ts";
import {
  parseRuntimes,
  type RuntimeName,
  RUNTIMES,
} from "../runtimes/runtimes.ts";

export { UsageError };

/** Which case ids a `--filter` selects. */
export interface CaseFilter {
  /** The flag's text, as given. */
  text: string;
  /** Whether an id is selected. */
  matches(id: string, allIds: readonly string[]): boolean;
}

/** Every {@linkcode Requirement}, for `--require` (the case API's list). */
export const REQUIREMENT_NAMES: readonly Requirement[] = REQUIREMENTS;

/**
 * Reads `--require a,b`: requirement names, comma-separated; an unknown or
 * empty name is a {@linkcode UsageError}.
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { parseRequire } from "./args.ts";
 * assertEquals(parseRequire("helper,tcpdump"), ["helper", "tcpdump"]);
 * assertThrows(() => parseRequire("helpr"));
 * ```
 */
export function parseRequire(text: string): Requirement[] {
  const names = text.split(",").map((n) => n.trim());
  const out: Requirement[] = [];
  for (const name of names) {
    if (!(REQUIREMENT_NAMES as readonly string[]).includes(name)) {
      throw new UsageError(
        `--require ${text}: ${
          name === ""
            ? "an empty name"
            : `unknown requirement ${JSON.stringify(name)}`
        }; requirements are ${REQUIREMENT_NAMES.join(", ")}`,
      );
    }
    if (!out.includes(name as Requirement)) out.push(name as Requirement);
  }
  return out;
}

/** What the kit was asked to do. */
export interface KitOptions {
  /** Show the help and exit. */
  help: boolean;
  /** List the cases instead of running them. */
  list: boolean;
  /** Where to write the JSON report. */
  json?: string;
  /** Where to write the Markdown report. */
  markdown?: string;
  /** Where to write the JUnit XML report. */
  junit?: string;
  /** Which case ids to run. */
  filter?: CaseFilter;
  /** Which layer to run. */
  layer?: Layer;
  /** Which runtimes' node-layer rows to run (`--runtime`; default all). */
  runtimes?: RuntimeName[];
  /** The directory of case files. */
  cases: string;
  /** Where to write each wire case's packetdrill scripts. */
  packetdrill?: string;
  /** Requirements whose absence fails a case instead of skipping it. */
  require: Requirement[];
  /** Detail every row in the Markdown report (default: when one case ran). */
  evidence?: boolean;
  /** How many test processes run at once (`--jobs`; default: one per core). */
  jobs?: number;
}

/** The most test processes `--jobs` accepts. */
export const MAX_JOBS = 32;

/**
 * Reads `--jobs N`: how many test processes run at once, 1 to
 * {@linkcode MAX_JOBS}; anything else is a usage error.
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { parseJobs } from "./args.ts";
 * assertEquals(parseJobs("4"), 4);
 * assertThrows(() => parseJobs("0"));
 * assertThrows(() => parseJobs("2.5"));
 * ```
 */
export function parseJobs(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_JOBS) {
    throw new UsageError(
      `--jobs ${text}: not a whole number from 1 to ${MAX_JOBS}`,
    );
  }
  return Number(text);
}

/** Reads `--runtime a,b` ({@linkcode parseRuntimes}); bad input is a usage error. */
function runtimesFlag(text: string): RuntimeName[] {
  try {
    return parseRuntimes(text);
  } catch (e) {
    throw new UsageError(`--runtime ${text}: ${(e as Error).message}`);
  }
}

/** The help text. */
export const KIT_HELP =
  `closewait kit: runs every conformance case on this machine and reports.

Usage: deno task kit [options]

Options:
  --list               list the case ids, layers and one-line summaries; run nothing
  --filter TEXT        run the case whose id is TEXT, or else every id containing TEXT
  --filter /REGEX/     run the cases whose id matches REGEX (flags i, s, u, m; not g, y)
  --layer LAYER        run only this layer: ${LAYERS.join(", ")}
  --runtime LIST       run the node layer only under these runtimes
                       (comma-separated: ${
    RUNTIMES.join(", ")
  }); others' layers stay
  --json FILE          write the JSON report (kit, environment, summary, cases)
  --markdown FILE      write a Markdown report to paste into a bug report
  --evidence           detail every row in the Markdown report (default: every
                       row when one case ran, else failed, deviating, unjudged)
  --junit FILE         write JUnit XML (one testcase per case and layer)
  --cases DIR          where the case files are (default: cases)
  --packetdrill DIR    write each wire case's packetdrill reproducers there
                       (<case-id>.ipv4.pkt, <case-id>.ipv6.pkt)
  --require LIST       fail, not skip, a case that lacks one of these
                       (comma-separated: ${REQUIREMENT_NAMES.join(", ")})
  --jobs N             test processes at once (default: one per core, here ${
    navigator.hardwareConcurrency || 1
  })
  -h, --help           show this help

Report files must be under reports/: the kit's permissions (deno.json,
"permissions.kit") let it write nowhere else.

Exit status: 0 nothing failed, 1 something failed, 2 bad usage, 130 interrupted.`;

/**
 * Reads `--filter`: `/REGEX/` matches ids by regular expression; TEXT
 * selects the case whose id is exactly TEXT, or, when no id is, every id
 * containing it (as `deno test --filter` does with names).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseFilter } from "./args.ts";
 * const ids = ["tcp-fin", "tcp-fin-twice", "pipe"];
 * assertEquals(ids.filter((id) => parseFilter("tcp-fin").matches(id, ids)), ["tcp-fin"]);
 * assertEquals(ids.filter((id) => parseFilter("/^tcp/").matches(id, ids)), ["tcp-fin", "tcp-fin-twice"]);
 * ```
 */
export function parseFilter(text: string): CaseFilter {
  const m = /^\/(.*)\/([a-z]*)$/s.exec(text);
  if (m) {
    // g and y make test() remember where it stopped, so one regex reused
    // across ids would skip some of them.
    if (/[gy]/.test(m[2])) {
      throw new UsageError(
        `--filter ${text}: the regex flags g and y are not allowed (they make a match depend on the previous id)`,
      );
    }
    let re: RegExp;
    try {
      re = new RegExp(m[1], m[2]);
    } catch (e) {
      throw new UsageError(
        `--filter ${text}: not a regular expression (${(e as Error).message})`,
      );
    }
    return { text, matches: (id) => re.test(id) };
  }
  return {
    text,
    matches: (id, all) => all.includes(text) ? id === text : id.includes(text),
  };
}

/**
 * Parses the kit's arguments; throws {@linkcode UsageError} on unknown
 * flags, stray arguments, missing values or an unknown layer.
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { parseKitArgs, UsageError } from "./args.ts";
 * assertEquals(parseKitArgs(["--layer", "deno"]).layer, "deno");
 * assertThrows(() => parseKitArgs(["--colour"]), UsageError);
 * ```
 */
export function parseKitArgs(args: string[]): KitOptions {
  const { help, booleans, strings } = parseFlags(args, {
    boolean: ["list", "evidence"],
    string: [
      "json",
      "markdown",
      "junit",
      "filter",
      "layer",
      "runtime",
      "cases",
      "require",
      "packetdrill",
      "jobs",
    ],
  });
  const flags = { ...booleans, ...strings };
  const layer = flags.layer as string | undefined;
  if (layer !== undefined && !(LAYERS as readonly string[]).includes(layer)) {
    throw new UsageError(
      `unknown layer ${JSON.stringify(layer)}; layers are ${LAYERS.join(", ")}`,
    );
  }
  assertDistinctOutputs([
    ["--json", strings.json],
    ["--markdown", strings.markdown],
    ["--junit", strings.junit],
  ]);
  return {
    help,
    list: booleans.list,
    json: flags.json as string | undefined,
    markdown: flags.markdown as string | undefined,
    junit: flags.junit as string | undefined,
    filter: flags.filter !== undefined
      ? parseFilter(flags.filter as string)
      : undefined,
    layer: layer as Layer | undefined,
    ...(strings.runtime !== undefined
      ? { runtimes: runtimesFlag(strings.runtime) }
      : {}),
    cases: (flags.cases as string | undefined) ?? "cases",
    ...(strings.packetdrill !== undefined
      ? { packetdrill: strings.packetdrill }
      : {}),
    require: strings.require !== undefined ? parseRequire(strings.require) : [],
    ...(booleans.evidence ? { evidence: true } : {}),
    ...(strings.jobs !== undefined ? { jobs: parseJobs(strings.jobs) } : {}),
  };
}
