/**
 * The shape of expected behaviour as data: what one step of one case is
 * expected to show on one platform, and the tables that hold such entries.
 *
 * @module
 */

import type { OsName } from "../platform/mod.ts";

/**
 * Where a case observes: raw system calls, Deno's API, the wire (and
 * `packetdrill`: a wire case's run replayed as a packetdrill script), or
 * `node:net` under a runtime (`node@nodejs`, `node@deno`, `node@bun`; see
 * `lib/runtimes/`).
 */
export type Layer =
  | "syscall"
  | "deno"
  | "wire"
  | "packetdrill"
  | "node@nodejs"
  | "node@deno"
  | "node@bun";

/** All layers, in report order. */
export const LAYERS: readonly Layer[] = [
  "syscall",
  "deno",
  "wire",
  "packetdrill",
  "node@nodejs",
  "node@deno",
  "node@bun",
];

/** What one step of one case is expected to show on one platform. */
export interface Expectation {
  /** The expected observation, or a list of acceptable ones. */
  expect: string | readonly string[];
  /** Where the claim comes from: man page, RFC, kernel source, issue. */
  source: string;
  /** Only for kernel releases in [min, below). */
  kernel?: { min?: string; below?: string };
  /**
   * The platform is known to behave otherwise today: `observed` is what it
   * does, `issue` where that is tracked. Seeing `observed` is reported as a
   * known deviation; seeing `expect` means the deviation was fixed and this
   * entry is out of date.
   */
  knownDeviation?: { observed: string; issue: string };
  /**
   * How an observation is compared with `expect`: exactly (the default), or
   * `"wire"`: `expect` is a wire sequence (`"c:S s:S. c:. c:F. s:. s:P.(3)
   * c:R"`, notation in `lib/wire/sequence.ts`) and the captured sequence
   * matches it up to the tolerated pure ACKs.
   */
  compare?: "exact" | "wire";
}

/**
 * Steps of one case at one layer, by step name. A list holds entries for
 * different kernel ranges; the first whose range holds the release applies.
 */
export type StepTable = Record<string, Expectation | readonly Expectation[]>;

/** One platform's expectations: case id → layer → steps. */
export type PlatformTable = Record<string, Partial<Record<Layer, StepTable>>>;

/** Expectation tables by OS. */
export type ExpectationTables = Partial<Record<OsName, PlatformTable>>;

/**
 * A case's own expectations, as a case file passes them to
 * `conformanceCase()`: per OS, the steps of that case at that layer. They
 * are merged over the built-in tables step by step, so a user case needs
 * nothing else and a kit case can be re-judged with different data.
 */
export type CaseExpectations = Partial<Record<OsName, StepTable>>;
