import { assert, assertEquals } from "@std/assert";
import {
  columnReport,
  type ColumnResult,
  GUEST_ROW_ID,
  matrixExitCode,
  mergeColumns,
  renderMatrixRun,
} from "./merge.ts";

const KIT = { name: "@closewait/kit", version: "0.1.0" };

function kitReport(
  kernel: string,
  cases: { id: string; layer: string; status: string; observed?: string }[],
) {
  const count = (s: string) => cases.filter((c) => c.status === s).length;
  return JSON.stringify({
    schema: "closewait-report/1",
    kit: KIT,
    generated: "2026-11-30T00:00:00.000Z",
    selection: {},
    environment: {
      os: "linux",
      kernel,
      arch: "x86_64",
      deno: "2.9.6",
      v8: "15.0.245.2-rusty",
      gcc: "gcc 12",
      tcpdump: "tcpdump version 4.99.3",
      root: true,
      sysctls: {},
    },
    summary: {
      passed: count("passed"),
      failed: count("failed"),
      skipped: count("skipped"),
      knownDeviation: count("known-deviation"),
      unjudged: count("unjudged"),
    },
    cases: cases.map((c) => ({ summary: "s", timings: [], steps: [], ...c })),
  });
}

const host: ColumnResult = {
  name: "host",
  release: "6.18.44",
  kind: "host",
  status: "done",
  rc: 0,
  wallMs: 2200,
  facts: { kernel: "6.18.44", tcpInfoBytes: 280 },
  report: kitReport("6.18.44", [
    { id: "tcp-fin-reads-zero", layer: "syscall", status: "passed" },
    { id: "tcp-linger-zero-sends-rst", layer: "wire", status: "passed" },
  ]),
};
const old: ColumnResult = {
  name: "6.1.0-57-amd64",
  release: "6.1.0-57-amd64",
  kind: "guest",
  fs: "9p",
  status: "done",
  rc: 1,
  wallMs: 30000,
  facts: { kernel: "6.1.0-57-amd64", tcpInfoBytes: 232 },
  report: kitReport("6.1.0-57-amd64", [
    { id: "tcp-fin-reads-zero", layer: "syscall", status: "passed" },
    {
      id: "tcp-linger-zero-sends-rst",
      layer: "wire",
      status: "failed",
      observed: "c:S s:S. c:. c:R",
    },
  ]),
};
const hung: ColumnResult = {
  name: "7.2.13+deb14-amd64",
  release: "7.2.13+deb14-amd64",
  kind: "guest",
  status: "timeout",
  reason: "no result within 300 s",
  wallMs: 300000,
  consoleTail: [
    "KM_BOOTED 2.1",
    "[   40.1] INFO: task deno blocked for more than 30 seconds.",
  ],
};

Deno.test("columnReport() adds the kernel facts to a report's environment", () => {
  const r = columnReport(old, KIT);
  assertEquals(
    (r.environment as unknown as { kernelFacts: unknown }).kernelFacts,
    { tcpInfoBytes: 232 },
  );
  assertEquals(r.cases.length, 2);
});

Deno.test("columnReport() stands a failed row in for a guest without a report, naming the kernel", () => {
  const r = columnReport(hung, KIT, JSON.parse(host.report!).environment);
  assertEquals(r.environment.kernel, "7.2.13+deb14-amd64");
  assertEquals(r.environment.tcpdump, "tcpdump version 4.99.3");
  assertEquals(r.cases.map((c) => [c.id, c.status, c.reason]), [
    [GUEST_ROW_ID, "failed", "timeout: no result within 300 s"],
  ]);
  assertEquals(r.summary.failed, 1);
});

Deno.test("columnReport() says so when a guest's report does not parse", () => {
  const r = columnReport({ ...old, report: "{ not json" }, KIT);
  assert(r.cases[0].reason?.startsWith("the kit's report did not parse"));
});

Deno.test("mergeColumns() puts the rows where kernels differ first, one column per kernel", () => {
  const { matrix, reports } = mergeColumns(
    [host, old, hung],
    [
      "reports/matrix/host.json",
      "reports/matrix/6.1.json",
      "reports/matrix/7.2.json",
    ],
    KIT,
  );
  assertEquals(matrix.columns.map((c) => c.environment.kernel), [
    "6.18.44",
    "6.1.0-57-amd64",
    "7.2.13+deb14-amd64",
  ]);
  assertEquals(matrix.rows.map((r) => [r.id, r.layer, r.differs]), [
    [GUEST_ROW_ID, "-", true],
    ["tcp-fin-reads-zero", "syscall", true],
    ["tcp-linger-zero-sends-rst", "wire", true],
  ]);
  assertEquals(matrix.rows[2].cells.map((c) => c?.status ?? null), [
    "passed",
    "failed",
    null,
  ]);
  assertEquals(matrixExitCode(reports), 1);
  assertEquals(matrixExitCode(reports.slice(0, 1)), 0);
});

Deno.test("renderMatrixRun() shows each column, a failed guest's console tail, then the matrix", () => {
  const { matrix } = mergeColumns([host, hung], ["h.json", "g.json"], KIT);
  const text = renderMatrixRun(
    [host, hung],
    matrix,
    "TCG: no writable /dev/kvm",
  );
  assert(
    text.includes(
      "Guests: QEMU, TCG: no writable /dev/kvm; loopback networking only.",
    ),
  );
  assert(
    text.includes(
      "| host | 6.18.44 | host | done (kit exit 0) | 2.2 s | — | 280 |",
    ),
  );
  assert(text.includes("**timeout**: no result within 300 s"));
  assert(
    text.indexOf("INFO: task deno blocked") <
      text.indexOf("## Cases × kernels"),
  );
});
