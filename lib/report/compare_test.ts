import { assertEquals, assertStringIncludes } from "@std/assert";
import { compareReports, renderMatrixMarkdown } from "./compare.ts";
import { type KitReport, parseKitReport } from "./report.ts";

const load = async (name: string) => ({
  file: `fixtures/reports/${name}`,
  report: parseKitReport(
    await Deno.readTextFile(
      new URL(`../../fixtures/reports/${name}`, import.meta.url),
    ),
  ),
});

Deno.test("compareReports() puts the rows that differ first", async () => {
  const m = compareReports([
    await load("linux-x86_64.json"),
    await load("linux-aarch64.json"),
  ]);
  const differing = m.rows.filter((r) => r.differs).map((r) =>
    `${r.id} ${r.layer}`
  );
  assertEquals(differing, [
    "tcp-close-with-unread-data-sends-rst deno",
    "tcp-fin-reads-zero syscall",
    "tcp-write-after-peer-close wire",
  ]);
  assertEquals(m.rows.slice(0, 3).every((r) => r.differs), true);
  assertEquals(m.columns.map((c) => c.label), [
    "linux 6.18.44-fc-v769 x86_64",
    "linux 6.8.0-1017-azure aarch64",
  ]);
});

Deno.test("compareReports() marks a case missing from one report as differing", async () => {
  const a = await load("linux-x86_64.json");
  const b = structuredClone(a) as { file: string; report: KitReport };
  b.file = "other/linux-x86_64.json";
  b.report.cases = b.report.cases.slice(1);
  const m = compareReports([a, b]);
  assertEquals(m.rows[0].differs, true);
  assertEquals(m.rows[0].cells[1], null);
  // Equal labels are told apart by file name.
  assertEquals(m.columns[0].label, m.columns[1].label);
  assertEquals(m.columns[0].label.endsWith("(linux-x86_64.json)"), true);
});

Deno.test("renderMatrixMarkdown() shows environments and one cell per environment", async () => {
  const md = renderMatrixMarkdown(
    compareReports([
      await load("linux-x86_64.json"),
      await load("linux-aarch64.json"),
    ]),
  );
  assertStringIncludes(
    md,
    "2 environments, 24 case rows; 3 differ across environments",
  );
  assertStringIncludes(
    md,
    "| 2 | linux 6.8.0-1017-azure aarch64 | 2.9.6 (V8 15.0.245.2-rusty) |",
  );
  assertStringIncludes(
    md,
    "| ≠ | `tcp-fin-reads-zero` | syscall | ✅ passed | ⏭️ skipped: gcc not found: the C helper cannot be built |",
  );
  assertStringIncludes(
    md,
    "|  | `tcp-fin-reads-zero` | deno | ✅ passed | ✅ passed |",
  );
});

/** The cells of a Markdown table row: split at pipes not escaped. */
function cells(line: string): string[] {
  return line.trim().replace(/^\||\|$/g, "").split(/(?<!\\)\|/);
}

Deno.test("renderMatrixMarkdown() escapes pipes and backticks that come from reports", async () => {
  const a = await load("linux-x86_64.json");
  const b = structuredClone(a) as { file: string; report: KitReport };
  b.file = "fixtures/reports/b|`x`.json";
  b.report.environment.kernel = "6.1|`evil`";
  b.report.environment.gcc = "gcc | `12`";
  b.report.cases[0] = {
    ...b.report.cases[0],
    id: "odd|`id`",
    status: "skipped",
    reason: "no | `tcpdump`",
  };
  const md = renderMatrixMarkdown(compareReports([a, b]));
  const table = md.split("\n").filter((l) => l.startsWith("|"));
  const header = (l: string) => /^\|[ -]*\|/.test(l);
  for (const line of table) {
    const n = cells(line).length;
    // 8 columns in the environments table, 3 + 2 in the cases table.
    assertEquals(n === 8 || n === 5, true, `${n} cells: ${line}`);
  }
  const odd = table.find((l) => l.includes("odd"))!;
  assertEquals(cells(odd)[1].trim(), "`` odd\\|`id` ``");
  assertStringIncludes(odd, "no \\| \\`tcpdump\\`");
  assertEquals(table.some(header), true);
});

Deno.test("compareReports() marks a column where most rows were skipped", async () => {
  const a = await load("linux-x86_64.json");
  const b = structuredClone(a) as { file: string; report: KitReport };
  b.file = "fixtures/reports/skipping.json";
  b.report.environment.kernel = "6.1.0";
  const n = b.report.cases.length;
  const skip = Math.floor(n / 2) + 1;
  b.report.cases = b.report.cases.map((c, i) =>
    i < skip
      ? { ...c, status: "skipped", reason: "tcpdump is not installed" }
      : c
  );
  const m = compareReports([a, b]);
  assertEquals(m.columns.map((c) => c.mostlySkipped), [false, true]);
  assertEquals(m.columns[1].skipped, skip);
  const md = renderMatrixMarkdown(m);
  assertStringIncludes(
    md,
    `⚠ Most rows were skipped in environment 2 (linux 6.1.0 x86_64): ${skip} of ${n} (${skip} × tcpdump is not installed); its column checks little.`,
  );
  const header = md.split("\n").find((l) => l.startsWith("| | case |"))!;
  assertStringIncludes(header, `2. linux 6.1.0 x86_64 ⚠ ${skip}/${n} skipped`);
});

Deno.test("renderMatrixMarkdown() shows each environment's layers side by side, runtimes as columns", async () => {
  const a = await load("linux-x86_64.json");
  const withRuntimes = structuredClone(a) as {
    file: string;
    report: KitReport;
  };
  withRuntimes.file = "fixtures/reports/with-runtimes.json";
  const base = a.report.cases.find((c) =>
    c.id === "tcp-fin-reads-zero" && c.layer === "syscall"
  )!;
  withRuntimes.report.cases.push(
    { ...base, layer: "node@nodejs", status: "passed" },
    {
      ...base,
      layer: "node@bun",
      status: "compat-differs",
      observed: "end, close",
      reason: "node@nodejs saw end, finish, close",
    },
  );
  const md = renderMatrixMarkdown(compareReports([a, withRuntimes]));
  const section = md.slice(md.indexOf("## Layers side by side"));
  assertStringIncludes(section, "### 2. ");
  // Only the report with node rows gets a table.
  assertEquals(section.includes("### 1. "), false);
  const lines = section.split("\n");
  assertEquals(
    lines.find((l) => l.startsWith("| case |")),
    "| case | syscall | deno | wire | node@nodejs | node@deno | node@bun |",
  );
  const row = lines.find((l) => l.startsWith("| `tcp-fin-reads-zero` |"))!;
  assertEquals(cells(row).length, 7);
  assertStringIncludes(cells(row)[4], "passed");
  assertStringIncludes(cells(row)[5], "·");
  assertStringIncludes(cells(row)[6], "compat");
  // Without node rows there is no such section.
  assertEquals(
    renderMatrixMarkdown(compareReports([a])).includes("Layers side by side"),
    false,
  );
});
