import { assertEquals, assertStringIncludes } from "@std/assert";
import { setColorEnabled, stripAnsiCode } from "@std/fmt/colors";
import { renderHeader, renderRows, renderSummary } from "./console.ts";
import type { ReportCase } from "./report.ts";

const rows: ReportCase[] = [
  {
    id: "tcp-write-after-peer-close",
    layer: "syscall",
    status: "passed",
    summary: "",
    steps: [],
    timings: [{ name: "RST seen after write #1", value: 36.3, unit: "us" }],
  },
  {
    id: "tcp-x",
    layer: "deno",
    status: "failed",
    summary: "",
    step: "write() #2",
    expected: "-1 EPIPE",
    observed: "3",
    steps: [],
    timings: [],
  },
];

Deno.test("renderRows() aligns status, case, layer, RST and notes", () => {
  setColorEnabled(false);
  assertEquals(renderRows(rows).split("\n"), [
    "  status           case                        layer   RST      notes",
    "  passed           tcp-write-after-peer-close  syscall 36.3 µs",
    "  failed           tcp-x                       deno             write() #2: expected -1 EPIPE, observed 3",
  ]);
});

Deno.test("renderRows() colours statuses when colours are on, never under NO_COLOR", () => {
  setColorEnabled(true);
  try {
    const text = renderRows(rows);
    // NO_COLOR wins over setColorEnabled(true): https://no-color.org
    assertEquals(text !== stripAnsiCode(text), !Deno.noColor);
  } finally {
    setColorEnabled(false);
  }
});

Deno.test("renderHeader() shows absent tools and the sysctls", () => {
  const text = renderHeader({ name: "@closewait/kit", version: "0.1.0" }, {
    os: "linux",
    kernel: "6.1.0",
    arch: "x86_64",
    deno: "2.9.6",
    v8: "15.0",
    gcc: "gcc 12",
    tcpdump: null,
    root: false,
    sysctls: { "net.ipv4.tcp_fin_timeout": "60" },
  });
  assertStringIncludes(text, "tcpdump  absent");
  assertStringIncludes(text, "root     no");
  assertStringIncludes(text, "net.ipv4.tcp_fin_timeout=60");
});

Deno.test("renderSummary() leads with the failures", () => {
  setColorEnabled(false);
  assertEquals(
    renderSummary({
      passed: 2,
      failed: 1,
      skipped: 0,
      knownDeviation: 0,
      unjudged: 3,
    }),
    "FAILED: 1 failed, 2 passed, 0 known deviations, 3 unjudged, 0 skipped",
  );
});
