import { assertEquals } from "@std/assert";
import { aggregateRuns, distribution, percentile } from "./stats.ts";
import type { ReportCase } from "../report/report.ts";

const row = (
  status: ReportCase["status"],
  rst: number,
  reason?: string,
  step?: Pick<ReportCase, "step" | "expected" | "observed">,
): ReportCase => ({
  ...step,
  id: "tcp-linger-zero-sends-rst",
  layer: "syscall",
  status,
  summary: "",
  steps: [],
  timings: [{ name: "RST after close()", value: rst, unit: "us" }],
  reason,
});

Deno.test("percentile() uses the nearest rank", () => {
  const values = Array.from({ length: 20 }, (_, i) => i + 1);
  assertEquals([
    percentile(values, 0.5),
    percentile(values, 0.95),
    percentile(values, 1),
  ], [10, 19, 20]);
  assertEquals(percentile([7], 0.95), 7);
});

Deno.test("distribution() sorts before summarising", () => {
  assertEquals(distribution([30, 10, 20], "us"), {
    count: 3,
    min: 10,
    median: 20,
    p95: 30,
    max: 30,
    unit: "us",
  });
});

Deno.test("aggregateRuns() counts statuses and spreads timings per case and layer", () => {
  const [r] = aggregateRuns([[row("passed", 40)], [row("passed", 20)], [
    row("passed", 30),
  ]]);
  assertEquals(r.counts.passed, 3);
  assertEquals(r.flaky, false);
  assertEquals(r.timings["RST after close()"].median, 30);
});

Deno.test("aggregateRuns() flags a case whose outcome changed, with the distinct reasons", () => {
  const [r] = aggregateRuns([
    [row("passed", 40)],
    [row("failed", 90, "x failed", {
      step: "x",
      expected: "0",
      observed: "-1 EPIPE",
    })],
    [row("failed", 95, "x failed", {
      step: "x",
      expected: "0",
      observed: "-1 EPIPE",
    })],
    [row("failed", 99, "the test process was killed by SIGKILL\nmore")],
  ]);
  assertEquals([r.counts.passed, r.counts.failed, r.flaky], [1, 3, true]);
  assertEquals(r.failures, [
    '"x": expected 0, observed -1 EPIPE',
    "the test process was killed by SIGKILL",
  ]);
});

Deno.test("aggregateRuns() does not call a steady known deviation flaky", () => {
  const [r] = aggregateRuns([[row("known-deviation", 1)], [
    row("known-deviation", 2),
  ]]);
  assertEquals(r.flaky, false);
});
