/**
 * The kit's JSON report: what ran where, with what outcome. The Markdown,
 * JUnit and terminal renderings and the cross-machine comparison are all
 * made from this one shape, so a report file can be re-rendered or merged
 * later on another machine.
 *
 * @module
 */

import type { Environment, KitSource } from "./environment.ts";
import type { Layer } from "../expectations/mod.ts";
import type {
  CaseResult,
  HelperTranscript,
  Status,
  StepResult,
  Timing,
  TranscriptCall,
} from "../case/result.ts";
import type { Segment, Trace } from "../wire/segment.ts";
import type { OsName } from "../platform/platform.ts";
import { LAYERS } from "../expectations/types.ts";
import { z } from "zod";

/**
 * Identifies a kit report file (and its format's version). Version 2 added
 * the run (command line, cases folder), the helper transcripts and the
 * environment's distribution, kit commit and command line.
 */
export const REPORT_SCHEMA = "closewait-report/2";

/** Every schema `parseKitReport` reads: this one and the ones before it. */
export const REPORT_SCHEMAS: readonly string[] = [
  "closewait-report/1",
  REPORT_SCHEMA,
];

/** How the kit was run: enough to run it again. */
export interface RunInfo {
  /** The kit's own arguments (`Deno.args`). */
  args: string[];
  /** The folder of case files (`--cases`, default `cases`). */
  cases: string;
}

/** The kit that made a report. */
export interface KitInfo {
  /** Package name from `deno.json`. */
  name: string;
  /** Package version from `deno.json`. */
  version: string;
}

/**
 * A row's layer; `"-"` when a failure belongs to no layer (a case file that
 * did not even load, so its layers are unknown).
 */
export type ReportLayer = Layer | "-";

/** One case at one layer, as reported. */
export interface ReportCase {
  /** Case id. */
  id: string;
  /** Layer observed. */
  layer: ReportLayer;
  /** Verdict. */
  status: Status;
  /** The scenario in one sentence. */
  summary: string;
  /** The step that decided the verdict (first failed, deviating or unjudged). */
  step?: string;
  /** What that step expected. */
  expected?: string;
  /** What that step observed. */
  observed?: string;
  /** Where that step's expectation comes from (man page, RFC, source). */
  source?: string;
  /** Skip reason, failure message, or why the case left no record. */
  reason?: string;
  /** Figures measured. */
  timings: Timing[];
  /** Every step in order. */
  steps: StepResult[];
  /** Wire evidence (wire layer). */
  trace?: Trace;
  /** The case file. */
  file?: string;
  /** Wall time of the case in ms. */
  durationMs?: number;
  /** What each C helper was asked and answered (schema 2). */
  transcripts?: HelperTranscript[];
}

/** Counts by status. */
export interface Summary {
  /** Cases that passed. */
  passed: number;
  /** Cases that failed. */
  failed: number;
  /** Cases skipped (a requirement missing). */
  skipped: number;
  /** Cases showing a documented deviation. */
  knownDeviation: number;
  /** Cases with a step no expectation exists for. */
  unjudged: number;
  /** Runtime rows whose observation differs from Node.js's (node:net). */
  compatDiffers?: number;
}

/** A kit report. */
export interface KitReport {
  /** {@linkcode REPORT_SCHEMA} when written; older ones are read too. */
  schema: string;
  /** The kit. */
  kit: KitInfo;
  /** When the run ended (ISO 8601). */
  generated: string;
  /** What was selected (`--filter`, `--layer`), if anything. */
  selection: { filter?: string; layer?: string };
  /** How the kit was run (schema 2). */
  run?: RunInfo;
  /** The machine. */
  environment: Environment;
  /** Counts by status. */
  summary: Summary;
  /** One entry per case and layer. */
  cases: ReportCase[];
}

const DECIDING: Status[] = [
  "failed",
  "known-deviation",
  "compat-differs",
  "unjudged",
];

/**
 * The step that explains a case's verdict: the first failed one, else the
 * first known deviation, else the first runtime difference from Node.js
 * (`compat-differs`), else the first unjudged one.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { decidingStep } from "./report.ts";
 * const steps = [
 *   { step: "a", observed: "0", status: "passed" as const },
 *   { step: "b", observed: "1", status: "unjudged" as const },
 * ];
 * assertEquals(decidingStep(steps)?.step, "b");
 * ```
 */
export function decidingStep(steps: StepResult[]): StepResult | undefined {
  for (const status of DECIDING) {
    const step = steps.find((s) => s.status === status);
    if (step) return step;
  }
  return undefined;
}

/**
 * A report row from a case's record.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { caseFromResult } from "./report.ts";
 * const row = caseFromResult({
 *   id: "x", layer: "deno", status: "failed", summary: "s", timings: [],
 *   steps: [{ step: "read()", expected: "0", observed: "-1 EIO", status: "failed" }],
 *   platform: { os: "linux", kernel: "6.1", arch: "x86_64", deno: "2.9.6", v8: "" },
 *   durationMs: 3,
 * }, "cases/x_test.ts");
 * assertEquals([row.step, row.expected, row.observed], ["read()", "0", "-1 EIO"]);
 * const skipped = caseFromResult({
 *   id: "x", layer: "node@bun", status: "skipped", summary: "s", timings: [],
 *   steps: [{ step: "runtime bun", observed: "bun --version failed (SIGILL)", status: "skipped" }],
 *   platform: { os: "linux", kernel: "6.1", arch: "x86_64", deno: "2.9.6", v8: "" },
 *   durationMs: 1,
 * });
 * assertEquals(skipped.reason, "runtime bun: bun --version failed (SIGILL)");
 * ```
 */
export function caseFromResult(r: CaseResult, file?: string): ReportCase {
  const step = decidingStep(r.steps ?? []);
  const row: ReportCase = {
    id: r.id,
    layer: r.layer,
    status: r.status,
    summary: r.summary,
    timings: r.timings ?? [],
    steps: r.steps ?? [],
    durationMs: r.durationMs,
  };
  if (step) {
    row.step = step.step;
    if (step.expected !== undefined) row.expected = step.expected;
    row.observed = step.observed;
    if (step.source !== undefined) row.source = step.source;
  }
  if (r.reason !== undefined) row.reason = r.reason;
  // A case skipped from inside (its runtime did not start, say) has its
  // why on the skipped step: the row says it too, never an empty skip.
  const skippedStep = (r.steps ?? []).find((s) => s.status === "skipped");
  if (row.status === "skipped" && !row.reason && skippedStep) {
    row.reason = `${skippedStep.step}: ${skippedStep.observed}`;
  }
  if (r.trace !== undefined) row.trace = r.trace;
  if (file !== undefined) row.file = file;
  if (r.transcripts?.length) row.transcripts = r.transcripts;
  return row;
}

/**
 * Counts cases by status.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { summarize } from "./report.ts";
 * assertEquals(summarize([{ status: "passed" }, { status: "known-deviation" }]), {
 *   passed: 1, failed: 0, skipped: 0, knownDeviation: 1, unjudged: 0,
 * });
 * ```
 */
export function summarize(cases: Pick<ReportCase, "status">[]): Summary {
  const s: Summary = {
    passed: 0,
    failed: 0,
    skipped: 0,
    knownDeviation: 0,
    unjudged: 0,
  };
  for (const c of cases) {
    if (c.status === "known-deviation") s.knownDeviation++;
    else if (c.status === "compat-differs") {
      s.compatDiffers = (s.compatDiffers ?? 0) + 1;
    } else s[c.status]++;
  }
  return s;
}

/**
 * The report of a run; cases are sorted by id, then layer.
 *
 * @example
 * ```ts ignore
 * import { buildReport } from "./report.ts";
 * const report = buildReport({ name: "@closewait/kit", version: "0.1.0" }, env, rows, {});
 * await Deno.writeTextFile("reports/kit.json", JSON.stringify(report, null, 2));
 * ```
 */
export function buildReport(
  kit: KitInfo,
  environment: Environment,
  cases: ReportCase[],
  selection: KitReport["selection"],
  generated: Date = new Date(),
  run?: RunInfo,
): KitReport {
  const order: Record<string, number> = { syscall: 0, deno: 1, wire: 2 };
  const sorted = [...cases].sort((a, b) =>
    a.id < b.id
      ? -1
      : a.id > b.id
      ? 1
      : (order[a.layer] ?? 9) - (order[b.layer] ?? 9)
  );
  return {
    schema: REPORT_SCHEMA,
    kit,
    generated: generated.toISOString(),
    selection,
    ...(run ? { run } : {}),
    environment,
    summary: summarize(sorted),
    cases: sorted,
  };
}

/**
 * The RST timings of a case (those whose name contains `RST`), as short
 * text: `41.2 µs`; several are joined with `, `.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { rstTiming } from "./report.ts";
 * assertEquals(rstTiming([{ name: "RST seen after write #1", value: 41.25, unit: "us" }]), "41.3 µs");
 * ```
 */
export function rstTiming(timings: Timing[]): string {
  return timings.filter((t) => t.name.includes("RST")).map(formatTiming)
    .join(", ");
}

/**
 * One figure with its unit: `41.3 µs`, `2.1 ms`, `300 ns`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { formatTiming } from "./report.ts";
 * assertEquals(formatTiming({ name: "x", value: 2.06, unit: "ms" }), "2.1 ms");
 * ```
 */
export function formatTiming(t: Timing): string {
  const unit = t.unit === "us" ? "µs" : t.unit;
  const digits = Math.abs(t.value) >= 100 ? 0 : 1;
  return `${t.value.toFixed(digits)} ${unit}`;
}

/** Why a file is not a kit report. */
export class ReportFormatError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "ReportFormatError";
  }
}

/** A {@linkcode z.ZodType} of each of `T`'s fields, no more, no fewer. */
type Fields<T> = { [K in keyof Required<T>]: z.ZodType };

const STATUSES = [
  "passed",
  "failed",
  "skipped",
  "known-deviation",
  "unjudged",
  "compat-differs",
] as const satisfies readonly Status[];
const OS_NAMES = [
  "linux",
  "darwin",
  "freebsd",
  "windows",
  "other",
] as const satisfies readonly OsName[];
// A status or OS added to its type and not here fails the type check.
const _everyStatus: Status extends (typeof STATUSES)[number] ? true : never =
  true;
const _everyOs: OsName extends (typeof OS_NAMES)[number] ? true : never = true;

const statusSchema = z.enum(STATUSES);
const timingShape = {
  name: z.string(),
  value: z.number(),
  unit: z.enum(["us", "ms", "ns"]),
} satisfies Fields<Timing>;
const stepShape = {
  step: z.string(),
  expected: z.string().optional(),
  observed: z.string(),
  detail: z.string().optional(),
  status: statusSchema,
  source: z.string().optional(),
  issue: z.string().optional(),
} satisfies Fields<StepResult>;
const segmentShape = {
  t: z.number(),
  from: z.enum(["client", "server"]),
  flags: z.string(),
  seq: z.number(),
  ack: z.number().optional(),
  len: z.number(),
} satisfies Fields<Segment>;
const traceSchema: z.ZodType<Trace> = z.looseObject(
  {
    segments: z.array(z.looseObject(segmentShape)),
    expected: z.array(z.string()).optional(),
    capture: z.string().optional(),
    get others() {
      return z.array(traceSchema).optional();
    },
  } satisfies Fields<Trace>,
);
const callShape = {
  command: z.string(),
  answer: z.string(),
  kind: z.enum(["ok", "fail", "bad", "died"]),
  ret: z.number(),
  errno: z.string().optional(),
  t0Ns: z.number().optional(),
  t1Ns: z.number().optional(),
} satisfies Fields<TranscriptCall>;
const transcriptShape = {
  helper: z.string(),
  calls: z.array(z.looseObject(callShape)),
  exit: z.string().optional(),
  stderr: z.string().optional(),
} satisfies Fields<HelperTranscript>;
const caseShape = {
  id: z.string(),
  layer: z.enum(["-", ...LAYERS] as [ReportLayer, ...ReportLayer[]]),
  status: statusSchema,
  summary: z.string(),
  step: z.string().optional(),
  expected: z.string().optional(),
  observed: z.string().optional(),
  source: z.string().optional(),
  reason: z.string().optional(),
  timings: z.array(z.looseObject(timingShape)),
  steps: z.array(z.looseObject(stepShape)),
  trace: traceSchema.optional(),
  file: z.string().optional(),
  durationMs: z.number().optional(),
  transcripts: z.array(z.looseObject(transcriptShape)).optional(),
} satisfies Fields<ReportCase>;
const environmentShape = {
  os: z.enum(OS_NAMES),
  kernel: z.string(),
  arch: z.string(),
  deno: z.string(),
  v8: z.string(),
  gcc: z.string().nullable(),
  tcpdump: z.string().nullable(),
  root: z.boolean().nullable(),
  sysctls: z.record(z.string(), z.string()),
  runtimes: z.record(z.string(), z.string()).optional(),
  distribution: z.string().nullable().optional(),
  source: z.looseObject(
    {
      commit: z.string(),
      branch: z.string().optional(),
      repository: z.string().optional(),
    } satisfies Fields<KitSource>,
  ).nullable().optional(),
  commandLine: z.string().optional(),
  kernelFacts: z.looseObject({ tcpInfoBytes: z.number() }).nullable()
    .optional(),
} satisfies Fields<Environment>;
const reportSchema: z.ZodType<KitReport> = z.looseObject(
  {
    schema: z.string(),
    kit: z.looseObject(
      { name: z.string(), version: z.string() } satisfies Fields<KitInfo>,
    ),
    generated: z.string(),
    selection: z.looseObject(
      {
        filter: z.string().optional(),
        layer: z.string().optional(),
      } satisfies Fields<KitReport["selection"]>,
    ),
    run: z.looseObject(
      { args: z.array(z.string()), cases: z.string() } satisfies Fields<
        RunInfo
      >,
    ).optional(),
    environment: z.looseObject(environmentShape),
    summary: z.looseObject(
      {
        passed: z.number(),
        failed: z.number(),
        skipped: z.number(),
        knownDeviation: z.number(),
        unjudged: z.number(),
        compatDiffers: z.number().optional(),
      } satisfies Fields<Summary>,
    ),
    cases: z.array(z.looseObject(caseShape)),
  } satisfies Fields<KitReport>,
);

/** `cases[3].steps[0].observed` from zod's path. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) =>
    typeof p === "number"
      ? `[${p}]`
      : /^[A-Za-z_$][\w$]*$/.test(String(p))
      ? `${i ? "." : ""}${String(p)}`
      : `[${JSON.stringify(String(p))}]`
  ).join("") || "(the report)";
}

/** What zod found, as a few words: `expected string, found number`. */
function issueText(issue: z.core.$ZodIssue, data: unknown): string {
  let value: unknown = data;
  for (const p of issue.path) {
    value = value !== null && typeof value === "object"
      ? (value as Record<PropertyKey, unknown>)[p]
      : undefined;
  }
  const found = value === undefined
    ? "nothing"
    : value === null
    ? "null"
    : Array.isArray(value)
    ? "an array"
    : `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
  const expected = issue.message.replace(/^Invalid (input|option): /, "")
    .replace(/, received \w+$/, "");
  return `${expected}, found ${found}`;
}

/**
 * Parses and checks a kit report's text, every field's type included;
 * throws {@linkcode ReportFormatError} with one line naming the first wrong
 * field's path (`environment.gcc: expected string, found number 12`).
 * Fields the kit does not know are kept.
 *
 * @example
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { parseKitReport, ReportFormatError } from "./report.ts";
 * assertThrows(() => parseKitReport('{"cases": []}'), ReportFormatError);
 * ```
 */
export function parseKitReport(text: string): KitReport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ReportFormatError(`not JSON (${(e as Error).message})`);
  }
  const r = data as Partial<KitReport> | null;
  if (typeof r !== "object" || r === null || Array.isArray(r)) {
    throw new ReportFormatError("not a JSON object");
  }
  if (typeof r.schema !== "string" || !REPORT_SCHEMAS.includes(r.schema)) {
    throw new ReportFormatError(
      `no "schema": ${
        REPORT_SCHEMAS.toReversed().map((x) => `"${x}"`).join(" or ")
      } (found ${JSON.stringify(r.schema)})`,
    );
  }
  const checked = reportSchema.safeParse(data);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new ReportFormatError(
      `${fieldPath(issue.path)}: ${issueText(issue, data)}`,
    );
  }
  return checked.data;
}

/**
 * A few words on a row: for a failed or deviating case the deciding step
 * with expected and observed, for an unjudged one what was observed, for a
 * skipped one why; passed rows have nothing to add.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { rowNote } from "./report.ts";
 * assertEquals(
 *   rowNote({ status: "failed", step: "write() #2", expected: "-1 EPIPE", observed: "3" }),
 *   'write() #2: expected -1 EPIPE, observed 3',
 * );
 * ```
 */
export function rowNote(
  c: Pick<ReportCase, "status" | "step" | "expected" | "observed" | "reason">,
): string {
  const lines = (c.reason ?? "").split("\n").map((l) => l.trim())
    .filter((l) => l);
  // "Leaks detected:" says little without the line after it.
  const reason = lines[0]?.endsWith(":") && lines[1]
    ? `${lines[0]} ${lines[1].replace(/^- /, "")}`
    : lines[0];
  switch (c.status) {
    case "passed":
      return "";
    case "skipped":
      return reason ?? "";
    case "unjudged":
      return c.step
        ? `${c.step}: observed ${c.observed} (no expectation recorded)`
        : "";
    default:
      if (c.step && c.expected !== undefined) {
        return `${c.step}: expected ${c.expected}, observed ${c.observed}`;
      }
      if (c.step && c.step !== "(error)") {
        return `${c.step}: observed ${c.observed}`;
      }
      return reason ?? c.observed ?? "";
  }
}
