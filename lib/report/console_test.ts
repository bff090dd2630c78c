import {
  assert,
  assertEquals,
  assertMatch,
  assertStringIncludes,
} from "@std/assert";
import { setColorEnabled, stripAnsiCode } from "@std/fmt/colors";
import { renderHeader, renderRows, renderSummary } from "./console.ts";
import { parseKitReport, type ReportCase } from "./report.ts";

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

Deno.test("renderRows() aligns status, case, layer, tagged RST figures and notes", () => {
  setColorEnabled(false);
  assertEquals(renderRows(rows, 100).split("\n"), [
    "  status  case                        layer    RST          notes",
    "  passed  tcp-write-after-peer-close  syscall  36.3 µs sys",
    "  failed  tcp-x                       deno                  write() #2: expected -1 EPIPE, observed",
    "                                                            3",
    "  RST: delay from the trigger to the RST, measured by sys = the helper's syscall timestamps, wire",
    "    = the capture, poll = the Deno layer polling the socket table (mostly the poll interval)",
  ]);
});

const fixture = async (name: string) =>
  parseKitReport(
    await Deno.readTextFile(
      new URL(`../../fixtures/reports/${name}`, import.meta.url),
    ),
  );

for (const width of [80, 100, 160]) {
  Deno.test(`renderRows() and renderHeader() fit ${width} columns, notes wrapped under their column`, async () => {
    setColorEnabled(false);
    const report = await fixture("evidence-v2.json");
    const table = renderRows(report.cases, width).split("\n");
    const header = renderHeader(
      { name: "@closewait/kit", version: "0.1.0" },
      report.environment,
      width,
    ).split("\n");
    for (const line of [...table, ...header]) {
      assert(line.length <= width, `${line.length} > ${width}: ${line}`);
    }
    // Every row starts at column 2 with its status; continuation lines are
    // indented further and never start at column 0.
    for (const line of table.slice(1)) assertMatch(line, /^ {2,}\S/);
    const statuses = table.filter((l) =>
      /^ {2}(passed|failed|skipped|unjudged|known-deviation) /.test(l)
    );
    assertEquals(statuses.length, report.cases.length);
    // The long failure notes wrapped rather than ran past the width.
    assert(table.length > report.cases.length + 1);
    // The sysctls take a few packed lines, not one per setting.
    const chars = Object.entries(report.environment.sysctls).reduce(
      (n, [k, v]) => n + k.length + v.length,
      0,
    );
    const sysctlLines = header.slice(
      header.findIndex((l) => l.startsWith("  sysctls")),
    );
    assert(
      sysctlLines.length <= Math.ceil(chars / (width - 16)) + 1,
      sysctlLines.join("\n"),
    );
    assertStringIncludes(header.join("\n"), "tcp_congestion_control=bbr");
  });
}

Deno.test("renderRows() tags each RST figure with what measured it", async () => {
  setColorEnabled(false);
  const report = await fixture("linux-x86_64-v2.json");
  const text = renderRows(report.cases, 160);
  assertMatch(
    text,
    /tcp-linger-zero-sends-rst +syscall +[\d.]+ µs sys, [\d.]+ µs sys/,
  );
  assertMatch(
    text,
    /tcp-linger-zero-sends-rst +deno +\d+ µs poll, \d+ µs poll/,
  );
  assertMatch(text, /tcp-linger-zero-sends-rst +wire +[\d.]+ µs wire/);
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

Deno.test("renderRows() and renderHeader() print no escape sequence when TERM=dumb", async () => {
  const module = new URL("./console.ts", import.meta.url).href;
  const run = async (term: string) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        `import { setColorEnabled } from "@std/fmt/colors";
         import { colorWanted, renderHeader, renderRows } from "${module}";
         setColorEnabled(true);
         console.log(JSON.stringify([colorWanted(true), renderRows([{ id: "a", layer: "deno", status: "failed", summary: "", timings: [], steps: [] }]),
           renderHeader({ name: "k", version: "1" }, { os: "linux", kernel: "6", arch: "x", deno: "2", v8: "1", gcc: null, tcpdump: null, root: null, sysctls: {} })]));`,
      ],
      env: { TERM: term, DENO_NO_UPDATE_CHECK: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert(out.success, new TextDecoder().decode(out.stderr));
    return JSON.parse(new TextDecoder().decode(out.stdout)) as [
      boolean,
      string,
      string,
    ];
  };
  const [wanted, rowsText, headerText] = await run("dumb");
  assertEquals(wanted, false);
  assertEquals(rowsText, stripAnsiCode(rowsText));
  assertEquals(headerText, stripAnsiCode(headerText));
  // The control: the same code colours an ordinary terminal.
  const [wantedXterm, rowsXterm] = await run("xterm-256color");
  assertEquals(wantedXterm, !Deno.noColor);
  assertEquals(rowsXterm !== stripAnsiCode(rowsXterm), !Deno.noColor);
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
  }, 100);
  assertStringIncludes(text, "  tcpdump  absent");
  assertStringIncludes(text, "  root     no");
  assertStringIncludes(text, "  kernel   6.1.0");
  assertStringIncludes(text, "  sysctls  tcp_fin_timeout=60");
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
