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

Deno.test("summarizeBench() says where the time goes and rates each layer run alone", () => {
  const r = summarizeBench([80, 80], [800, 800], [900], [report], {
    kitStartMs: [150],
    loadTogetherMs: [300, 310],
    loadPerFileMs: [1300],
    files: 11,
    jobs: 2,
    layers: { syscall: [400], deno: [240] },
    byJobs: { "4": [600, 640, 620], "1": [1600] },
  });
  assertEquals(r.jobs?.map((j) => [j.jobs, j.ms.median, j.ratio]), [
    [1, 1600, 20],
    [4, 620, 7.8],
  ]);
  assertEquals(r.layers.map((l) => [l.layer, l.ratio]), [
    ["syscall", 5],
    ["deno", 3],
  ]);
  assertEquals(r.phases?.perFileOverheadMs, 100);
  assertEquals(
    r.phases?.casesSumMs,
    Math.round(r.cases.reduce((t, c) => t + c.medianMs, 0)),
  );
  const text = renderBench(r);
  assertStringIncludes(text, "where the warm kit's time goes");
  assertStringIncludes(text, "100 ms more per file");
  assertStringIncludes(text, "syscall layer alone, warm");
  assertStringIncludes(text, "whole kit, warm, --jobs 4");
  // The cases' time split by layer adds up to the whole, largest first.
  const split = r.phases!.casesByLayerMs;
  assertEquals(
    split.map((l) => l.layer).sort(),
    [...new Set(report.cases.map((c) => c.layer))].sort(),
  );
  assertEquals(
    Math.abs(split.reduce((t, l) => t + l.ms, 0) - r.phases!.casesSumMs) <=
      split.length,
    true,
  );
  assertEquals(split.every((l, i) => i === 0 || split[i - 1].ms >= l.ms), true);
  assertStringIncludes(text, `of which ${split[0].layer}`);
});
