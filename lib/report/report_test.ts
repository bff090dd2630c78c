import { assertEquals, assertThrows } from "@std/assert";
import {
  buildReport,
  caseFromResult,
  decidingStep,
  formatTiming,
  parseKitReport,
  REPORT_SCHEMA,
  ReportFormatError,
  rowNote,
  rstTiming,
  summarize,
} from "./report.ts";
import type { CaseResult } from "../case/result.ts";

const platform = {
  os: "linux",
  kernel: "6.1.0",
  arch: "x86_64",
  deno: "2.9.6",
  v8: "15.0",
} as const;
const env = { ...platform, gcc: null, tcpdump: null, root: false, sysctls: {} };

function record(over: Partial<CaseResult>): CaseResult {
  return {
    id: "tcp-x",
    layer: "syscall",
    status: "passed",
    summary: "s",
    steps: [],
    timings: [],
    platform,
    durationMs: 5,
    ...over,
  };
}

Deno.test("decidingStep() prefers a failed step over a deviation and an unjudged one", () => {
  const steps = [
    { step: "a", observed: "1", status: "unjudged" as const },
    { step: "b", observed: "2", status: "known-deviation" as const },
    { step: "c", observed: "3", status: "failed" as const },
  ];
  assertEquals(decidingStep(steps)?.step, "c");
  assertEquals(decidingStep(steps.slice(0, 2))?.step, "b");
  assertEquals(decidingStep([]), undefined);
});

Deno.test("caseFromResult() carries the deciding step's expected, observed and source", () => {
  const row = caseFromResult(
    record({
      status: "known-deviation",
      steps: [
        { step: "read()", observed: "0", expected: "0", status: "passed" },
        {
          step: "write() #1",
          observed: "BadResource",
          expected: "5",
          source: "write(2)",
          issue: "https://example.invalid/1",
          status: "known-deviation",
        },
      ],
    }),
    "cases/x_test.ts",
  );
  assertEquals(
    [row.step, row.expected, row.observed, row.source, row.file],
    ["write() #1", "5", "BadResource", "write(2)", "cases/x_test.ts"],
  );
});

Deno.test("summarize() counts every status", () => {
  assertEquals(
    summarize([
      { status: "passed" },
      { status: "failed" },
      { status: "skipped" },
      { status: "unjudged" },
      { status: "known-deviation" },
      { status: "failed" },
    ]),
    { passed: 1, failed: 2, skipped: 1, knownDeviation: 1, unjudged: 1 },
  );
});

Deno.test("buildReport() sorts by id then layer and stamps the schema", () => {
  const rows = [
    caseFromResult(record({ id: "b", layer: "wire" })),
    caseFromResult(record({ id: "b", layer: "syscall" })),
    caseFromResult(record({ id: "a", layer: "deno", status: "failed" })),
  ];
  const r = buildReport(
    { name: "k", version: "1" },
    env,
    rows,
    {},
    new Date(0),
  );
  assertEquals(r.cases.map((c) => `${c.id} ${c.layer}`), [
    "a deno",
    "b syscall",
    "b wire",
  ]);
  assertEquals([r.schema, r.summary.failed, r.generated], [
    REPORT_SCHEMA,
    1,
    "1970-01-01T00:00:00.000Z",
  ]);
});

Deno.test("rstTiming() keeps only timings named after an RST", () => {
  assertEquals(
    rstTiming([
      { name: "handshake", value: 20, unit: "us" },
      { name: "RST seen after write #1", value: 36.25, unit: "us" },
      { name: "RST (client state gone)", value: 4046.3, unit: "us" },
    ]),
    "36.3 µs, 4046 µs",
  );
  assertEquals(formatTiming({ name: "x", value: 300, unit: "ns" }), "300 ns");
});

Deno.test("rowNote() says why in a few words", () => {
  assertEquals(rowNote({ status: "passed" }), "");
  assertEquals(
    rowNote({ status: "skipped", reason: "gcc not found\nmore" }),
    "gcc not found",
  );
  assertEquals(
    rowNote({ status: "unjudged", step: "poll()", observed: "POLLIN" }),
    "poll(): observed POLLIN (no expectation recorded)",
  );
  assertEquals(
    rowNote({
      status: "failed",
      reason: "Leaks detected:\n  - A timer was started",
    }),
    "Leaks detected: A timer was started",
  );
});

Deno.test("parseKitReport() accepts a kit report fixture", async () => {
  const text = await Deno.readTextFile(
    new URL("../../fixtures/reports/linux-x86_64.json", import.meta.url),
  );
  const r = parseKitReport(text);
  assertEquals(r.environment.os, "linux");
  assertEquals(r.cases.length > 0, true);
});

Deno.test("parseKitReport() says what is wrong with other JSON", () => {
  assertThrows(() => parseKitReport("nope"), ReportFormatError, "not JSON");
  assertThrows(
    () => parseKitReport("[]"),
    ReportFormatError,
    "not a JSON object",
  );
  assertThrows(
    () => parseKitReport('{"kit":{"name":"x"},"cases":[]}'),
    ReportFormatError,
    `no "schema"`,
  );
  const base = {
    schema: REPORT_SCHEMA,
    kit: { name: "k", version: "1" },
    environment: env,
  };
  assertThrows(
    () => parseKitReport(JSON.stringify({ ...base, cases: [{ id: "x" }] })),
    ReportFormatError,
    "generated: expected string, found nothing",
  );
  const complete = {
    ...base,
    generated: "2026-01-01T00:00:00Z",
    selection: {},
    summary: {
      passed: 0,
      failed: 0,
      skipped: 0,
      knownDeviation: 0,
      unjudged: 0,
    },
  };
  assertThrows(
    () => parseKitReport(JSON.stringify({ ...complete, cases: [{ id: "x" }] })),
    ReportFormatError,
    "cases[0].layer: ",
  );
});

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

Deno.test("parseKitReport() checks every field's type and names its path", async () => {
  const good = await Deno.readTextFile(
    new URL("../../fixtures/reports/linux-x86_64.json", import.meta.url),
  );
  const broken = (change: (r: Json) => void) => {
    const r = JSON.parse(good);
    change(r);
    return JSON.stringify(r);
  };
  const cases: [(r: Json) => void, string][] = [
    [(r) => r.environment.gcc = 12, "environment.gcc: "],
    [(r) => r.environment.root = "yes", "environment.root: "],
    [(r) => r.environment.sysctls = { a: 1 }, "environment.sysctls.a: "],
    [(r) => r.generated = 5, "generated: "],
    [(r) => r.summary.passed = "3", "summary.passed: "],
    [(r) => r.selection = null, "selection: "],
    [(r) => r.cases[2].steps[0].observed = 3, "cases[2].steps[0].observed: "],
    [
      (r) => r.cases[1].timings = [{ name: "x", value: "1", unit: "us" }],
      "cases[1].timings[0].value: ",
    ],
    [(r) => r.cases[0].status = "green", "cases[0].status: "],
    [(r) => r.cases[0].summary = undefined, "cases[0].summary: "],
    [
      (r) => r.cases[0].trace = { segments: [{ t: 1 }] },
      "cases[0].trace.segments[0].from: ",
    ],
  ];
  for (const [change, path] of cases) {
    const e = assertThrows(
      () => parseKitReport(broken(change)),
      ReportFormatError,
    );
    assertEquals(e.message.startsWith(path), true, e.message);
    assertEquals(e.message.includes("\n"), false, e.message);
  }
  // Fields the kit does not know are kept, not refused.
  const extra = parseKitReport(broken((r) => r.note = "hand-edited"));
  assertEquals(
    (extra as unknown as Record<string, unknown>).note,
    "hand-edited",
  );
});
