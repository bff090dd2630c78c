import { assertEquals } from "@std/assert";
import { setColorEnabled } from "@std/fmt/colors";
import { mostlySkipped, topSkipReasons } from "./skips.ts";
import { renderSummary } from "./console.ts";
import { summarize } from "./report.ts";

const row = (status: "passed" | "skipped", reason?: string) => ({
  status,
  ...(reason ? { reason } : {}),
});

Deno.test("topSkipReasons() lists the most frequent reasons first, then how many more", () => {
  const rows = [
    row("skipped", "b"),
    row("skipped", "a"),
    row("passed"),
    row("skipped", "a"),
    row("skipped", "c"),
    row("skipped", "d"),
    row("skipped"),
  ];
  assertEquals(topSkipReasons(rows), "2 × a; 1 × b; 1 × c; +2 more");
  assertEquals(topSkipReasons([row("passed")]), "");
  assertEquals(
    topSkipReasons([row("skipped", "x".repeat(200))]),
    `1 × ${"x".repeat(79)}…`,
  );
});

Deno.test("renderSummary() says how many rows were skipped and why", () => {
  setColorEnabled(false);
  const rows = [
    row("passed"),
    row("skipped", "tcpdump is not installed"),
    row("skipped", "tcpdump is not installed"),
  ];
  assertEquals(
    renderSummary(summarize(rows), rows),
    "ok: 0 failed, 1 passed, 0 known deviations, 0 unjudged, 2 skipped (2 × tcpdump is not installed)",
  );
  assertEquals(
    renderSummary(summarize([row("passed")]), [row("passed")]),
    "ok: 0 failed, 1 passed, 0 known deviations, 0 unjudged, 0 skipped",
  );
});

Deno.test("mostlySkipped() holds when more than half the rows were skipped", () => {
  assertEquals(mostlySkipped([]), false);
  assertEquals(mostlySkipped([row("skipped"), row("passed")]), false);
  assertEquals(mostlySkipped([row("skipped")]), true);
});
