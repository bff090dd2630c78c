import { assertEquals, assertStringIncludes } from "@std/assert";
import { renderBench, summarizeBench } from "./bench.ts";
import { parseKitReport } from "../report/report.ts";

const report = parseKitReport(
  await Deno.readTextFile(
    new URL("../../fixtures/reports/linux-x86_64.json", import.meta.url),
  ),
);

Deno.test("summarizeBench() gives medians, the warm ratio and per-case medians", () => {
  const r = summarizeBench(
    [80, 70, 90],
    [2100, 2000, 2300],
    [2600, 2500, 2700],
    [report, report],
  );
  assertEquals([r.emptyTestMs.median, r.warmKitMs.median, r.coldKitMs.median], [
    80,
    2100,
    2600,
  ]);
  assertEquals(r.warmRatio, 26.3);
  const first = report.cases.find((c) => c.durationMs !== undefined)!;
  assertEquals(
    r.cases.find((c) => c.id === first.id && c.layer === first.layer)?.medianMs,
    first.durationMs,
  );
});

Deno.test("renderBench() shows the three wall times and the ratio", () => {
  const text = renderBench(summarizeBench([80], [2000], [2500], [report]));
  assertStringIncludes(text, "whole kit, warm (helper built)");
  assertStringIncludes(text, "25.0 x");
});
