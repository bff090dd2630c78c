import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { parseKitReport } from "./report.ts";
import {
  cell,
  renderMarkdown,
  reproduceCommand,
  statusLabel,
} from "./markdown.ts";

const fixture = async (name: string) =>
  parseKitReport(
    await Deno.readTextFile(
      new URL(`../../fixtures/reports/${name}`, import.meta.url),
    ),
  );

Deno.test("renderMarkdown() heads the report with the environment", async () => {
  const md = renderMarkdown(await fixture("linux-aarch64.json"));
  assertStringIncludes(md, "| OS | linux 6.8.0-1017-azure (aarch64) |");
  assertStringIncludes(md, "| tcpdump | absent |");
  assertStringIncludes(md, "| root | no |");
  assertStringIncludes(
    md,
    "1 failed, 21 passed, 1 known deviation, 0 unjudged, 1 skipped",
  );
});

Deno.test("renderMarkdown() has one table row per case and layer", async () => {
  const report = await fixture("linux-aarch64.json");
  const md = renderMarkdown(report);
  const rows = md.split("\n").filter((l) =>
    /^\| `[^`]+` \| (syscall|deno|wire|-) \|/.test(l)
  );
  assertEquals(rows.length, report.cases.length);
  assertStringIncludes(
    md,
    "| `tcp-fin-reads-zero` | syscall | ⏭️ skipped | gcc not found: the C helper cannot be built |  |",
  );
});

Deno.test("renderMarkdown() details a failed wire case with its trace and the command to reproduce it", async () => {
  const md = renderMarkdown(await fixture("linux-aarch64.json"));
  const details = md.slice(md.indexOf("## Failed and deviating cases"));
  assertStringIncludes(
    details,
    "### `tcp-write-after-peer-close` [wire]: ❌ failed",
  );
  assertStringIncludes(
    details,
    "```mermaid\nsequenceDiagram\n  participant C as client",
  );
  assertStringIncludes(details, "  C->>S: R. len=0 +2.610 ms");
  assertStringIncludes(details, "client > server [R.] seq 2 ack 4 len 0");
  assertStringIncludes(
    details,
    "```sh\ndeno task kit --filter tcp-write-after-peer-close --layer wire\n```",
  );
  assertStringIncludes(
    details,
    "| 1 | segments | c:S s:S. c:. c:F. s:. s:P.(3) c:R |",
  );
  // Passed cases get no details section.
  assert(!details.includes("[syscall]: ✅"));
});

Deno.test("renderMarkdown() details known deviations too", async () => {
  const md = renderMarkdown(await fixture("linux-x86_64.json"));
  assertStringIncludes(
    md,
    "### `deno-readable-eof-closes-connection` [deno]: ⚠️ known deviation",
  );
  assertStringIncludes(md, "tracked at ");
});

Deno.test("cell() keeps table cells in one piece", () => {
  assertEquals(cell("a|b\r\nc <x> & d"), "a\\|b<br>c &lt;x&gt; &amp; d");
  assertEquals(cell(undefined), "");
});

Deno.test("reproduceCommand() leaves out the layer of a file-level failure", () => {
  assertEquals(
    reproduceCommand({ id: "tcp-x", layer: "-" }),
    "deno task kit --filter tcp-x",
  );
  assertEquals(statusLabel("failed"), "❌ failed");
});
