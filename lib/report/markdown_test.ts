import {
  assert,
  assertEquals,
  assertMatch,
  assertStringIncludes,
} from "@std/assert";
import { type KitReport, parseKitReport } from "./report.ts";
import {
  cell,
  fullEvidence,
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

/** The Markdown from a heading (`### \`id\` [layer]`) to the next one. */
function section(md: string, id: string, layer: string): string {
  const start = md.indexOf(`### \`${id}\` [${layer}]`);
  assert(start >= 0, `no section for ${id} [${layer}]`);
  const next = md.slice(start + 4).search(/^#{2,3} /m);
  return next < 0 ? md.slice(start) : md.slice(start, start + 4 + next);
}

/** One report of the evidence fixture's rows, as one run would make it. */
async function only(id: string, layer: string): Promise<KitReport> {
  const r = await fixture("evidence-v2.json");
  const cases = r.cases.filter((c) => c.id === id && c.layer === layer);
  assertEquals(cases.length, 1, `${id} [${layer}] in the fixture`);
  return { ...r, selection: { filter: id, layer }, cases };
}

Deno.test("renderMarkdown() heads the report with the environment a maintainer asks for", async () => {
  const md = renderMarkdown(await fixture("linux-x86_64-v2.json"));
  for (
    const row of [
      "| OS | linux |",
      "| distribution | Debian GNU/Linux 12 (bookworm) |",
      "| kernel | 6.18.44-fc-v782 |",
      "| net.ipv4.tcp_timestamps | 1 |",
      "| net.ipv4.tcp_congestion_control | bbr |",
      "| cases folder | `cases` |",
    ]
  ) assertStringIncludes(md, row);
  assertMatch(md, /^\| kit \| [0-9a-f]{40} \(main\) \|$/m);
  assertMatch(md, /^\| command line \| `\S*deno run -P=kit scripts\/kit\.ts /m);
});

Deno.test("renderMarkdown() of a passing case shows every step, source, figure and helper call", async () => {
  const report = await only("tcp-write-after-peer-close", "syscall");
  assert(fullEvidence(report), "one case selected: full evidence");
  const md = renderMarkdown(report);
  const s = section(md, "tcp-write-after-peer-close", "syscall");
  assertStringIncludes(s, ": ✅ passed");
  // Every step with expected and observed...
  const steps = s.split("\n").filter((l) => /^\| \d+ \| /.test(l));
  assertEquals(steps.length, report.cases[0].steps.length);
  assertStringIncludes(
    s,
    "| 6 | server write() #1 | `3` | `3` | ✅ passed |",
  );
  assertStringIncludes(
    s,
    "| 12 | server write() #2 | `-1 EPIPE` | `-1 EPIPE` | ✅ passed |",
  );
  // ...each source once, naming its steps...
  assertStringIncludes(
    s,
    "- steps 4, 5: RFC 9293 §3.3.2 state diagram: FIN received -> CLOSE_WAIT; FIN ACKed -> FIN_WAIT2",
  );
  // ...the figures with what measured them...
  assertMatch(
    s,
    /^- RST after write #1: [\d.]+ µs \(syscall timestamps\)$/m,
  );
  // ...and the helper's calls as strace would print them.
  assertMatch(
    s,
    /^ +[\d.]+ ms {2}helper {11}write\(5, "123"\) = 3 {2}<[\d.]+ µs>$/m,
  );
  assertMatch(
    s,
    /^ +[\d.]+ ms {2}helper {11}write\(5, "123"\) = -1 EPIPE \(Broken pipe\) {2}<[\d.]+ µs>$/m,
  );
  assertMatch(
    s,
    /^ +[\d.]+ ms {2}helper {11}poll\(5, -, 1000\) = 1 \(revents=POLLERR\|POLLHUP\)/m,
  );
  assertStringIncludes(s, "+++ default-sigpipe: exited: SIGPIPE +++");
  assertStringIncludes(
    s,
    "```sh\nnpx deno task kit --cases cases --filter tcp-write-after-peer-close --layer syscall\n```",
  );
});

Deno.test("renderMarkdown() of a failing wire case marks the differing segment and keeps the comparison out of the table", async () => {
  const md = renderMarkdown(await only("tcp-write-after-peer-close", "wire"));
  const s = section(md, "tcp-write-after-peer-close", "wire");
  assertStringIncludes(s, ": ❌ failed");
  assertStringIncludes(
    s,
    "| 1 | segments | `c:S s:S. c:. c:F. s:. s:P.(3) c:R` | `c:S s:S. c:. c:F. s:P.(3) c:R.` | ❌ failed |",
  );
  // The side-by-side comparison is a code block after the table.
  assertMatch(
    s,
    /Step 1, segments:\n\n```text\nexpected {2}captured {5}t \(ms\)\n/,
  );
  assertMatch(s, /^c:R {7}c:R\. +[\d.]+ {2}✗ differs$/m);
  // The diagram names the segments and marks the one that differs.
  const mermaid = /```mermaid\n([^`]*)\n```/.exec(s)?.[1] ?? "";
  assertStringIncludes(mermaid, "C->>S: SYN seq=0 +0.000 ms");
  assertMatch(mermaid, /S->>C: SYN-ACK seq=0 ack=1 \+/);
  assertMatch(mermaid, /S->>C: data 3 bytes \(PSH-ACK\) seq=1\.\.4 ack=2 \+/);
  assertMatch(mermaid, /C->>S: ✗ RST-ACK seq=2 ack=4 \+/);
  assertStringIncludes(mermaid, "Note right of C: ✗ expected c:R here");
  // The expectation is wrapped: no note line longer than the diagram.
  for (const line of mermaid.split("\n").filter((l) => l.includes("Note"))) {
    for (const part of line.split(/: |<br\/>/).slice(1)) {
      assert(part.length <= 40, `note too wide: ${part}`);
    }
  }
  assertMatch(s, /client > server \[R\.\] seq 2 ack 4 len 0/);
  // The same story over ::1, the case's second capture, is drawn too.
  assertStringIncludes(s, "Wire trace 2 of 2");
  assertEquals(s.match(/```mermaid/g)?.length, 2);
  // The RST figures say they come from the capture.
  assertMatch(
    md,
    /\| `tcp-write-after-peer-close` \| wire \| ❌ failed \| .* \| [\d.]+ µs \(wire\), [\d.]+ µs \(wire\) \|/,
  );
});

Deno.test("renderMarkdown() gives unjudged rows a section with what was observed", async () => {
  const r = await fixture("evidence-v2.json");
  const md = renderMarkdown(r, { evidence: false });
  assertStringIncludes(md, "## Unjudged cases");
  const s = section(md, "fixture-unjudged", "deno");
  assertStringIncludes(
    s,
    "| 1 | fixture step | — (none recorded) | `observed value` | ❔ unjudged |",
  );
  assertStringIncludes(md, "`lib/expectations/linux.ts`");
});

Deno.test("renderMarkdown() details only failed, deviating and unjudged rows of a whole run unless --evidence", async () => {
  const r = await fixture("evidence-v2.json");
  assert(!fullEvidence(r), "several cases: short by default");
  const short = renderMarkdown(r);
  assert(!short.includes("### `tcp-write-after-peer-close` [syscall]"));
  assertStringIncludes(short, "### `tcp-write-after-peer-close` [wire]");
  assertStringIncludes(short, "`--evidence` details every row");
  const full = renderMarkdown(r, { evidence: true });
  assertStringIncludes(full, "### `tcp-write-after-peer-close` [syscall]");
  assertStringIncludes(full, "### `tcp-fin-reads-zero` [syscall]: ⏭️ skipped");
  assert(!full.includes("details every row"));
});

Deno.test("renderMarkdown() has one table row per case and layer, the RST figures labelled", async () => {
  const report = await fixture("linux-x86_64-v2.json");
  const md = renderMarkdown(report);
  const rows = md.split("\n").filter((l) =>
    /^\| `[^`]+` \| (syscall|deno|wire|-) \|/.test(l)
  );
  assertEquals(rows.length, report.cases.length);
  assertMatch(
    md,
    /\| `tcp-linger-zero-sends-rst` \| deno \| ✅ passed \| {2}\| \d+ µs \(polled\), \d+ µs \(polled\) \|/,
  );
  assertStringIncludes(
    md,
    "- polled: Deno-layer state polling: performance.now() until the state probe saw the socket gone",
  );
});

Deno.test("renderMarkdown() still reads a schema 1 report", async () => {
  const md = renderMarkdown(await fixture("linux-aarch64.json"));
  assertStringIncludes(md, "| kernel | 6.8.0-1017-azure |");
  assertStringIncludes(md, "| tcpdump | absent |");
  assertStringIncludes(
    md,
    "1 failed, 21 passed, 1 known deviation, 0 unjudged, 1 skipped",
  );
  assertStringIncludes(
    md,
    "```sh\nnpx deno task kit --filter tcp-write-after-peer-close --layer wire\n```",
  );
});

Deno.test("cell() keeps table cells in one piece", () => {
  assertEquals(cell("a|b\r\nc <x> & d"), "a\\|b<br>c &lt;x&gt; &amp; d");
  assertEquals(cell("`x`"), "\\`x\\`");
  assertEquals(cell(undefined), "");
});

Deno.test("reproduceCommand() runs after the README's set-up and leaves out the layer of a file-level failure", () => {
  assertEquals(
    reproduceCommand({ id: "tcp-x", layer: "-" }),
    "npx deno task kit --filter tcp-x",
  );
  assertEquals(
    reproduceCommand({ id: "tcp-x", layer: "deno" }, { cases: "my cases" }),
    "npx deno task kit --cases 'my cases' --filter tcp-x --layer deno",
  );
  assertEquals(statusLabel("failed"), "❌ failed");
});

Deno.test("the JSON report carries the same evidence: transcripts, trace, environment, command line, run (schema 2)", async () => {
  const r = await fixture("evidence-v2.json");
  const again = parseKitReport(JSON.stringify(r));
  assertEquals(again.schema, "closewait-report/2");
  assertEquals(again.run, {
    args: ["--json", "reports/evidence.json"],
    cases: "cases",
  });
  assertMatch(again.environment.commandLine ?? "", /scripts\/kit\.ts/);
  const passing = again.cases.find((c) =>
    c.id === "tcp-write-after-peer-close" && c.layer === "syscall"
  );
  assertEquals(passing?.transcripts?.map((t) => t.helper), [
    "helper",
    "default-sigpipe",
  ]);
  assertEquals(renderMarkdown(again), renderMarkdown(r));
});
