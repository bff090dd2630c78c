/**
 * The kit report as Markdown, ready to paste into a bug report: the
 * environment (distribution, kernel, sysctls, the kit's commit, the command
 * line), a table of every case and layer, and per case and layer the full
 * story: every step with expected, observed and source, the figures with
 * what measured them, the helpers' calls as strace-like lines, the wire
 * trace as a diagram and as tcpdump lines, and the command that reproduces
 * it after the README's set-up.
 *
 * How much is detailed is the caller's choice ({@linkcode MarkdownOptions}):
 * by default every row when the run selected one case (a report to paste),
 * else only the failed, deviating and unjudged rows (a whole run to
 * archive).
 *
 * @module
 */

import type { Environment } from "./environment.ts";
import type { HelperTranscript, Status, Timing } from "../case/result.ts";
import {
  formatTiming,
  type KitReport,
  type ReportCase,
  rowNote,
  type RunInfo,
  type Summary,
} from "./report.ts";
import { traceToMermaid } from "./trace.ts";
import { renderSegments } from "../wire/render.ts";
import { layerMatrix } from "./layers.ts";
import { cell, codeCell } from "./table_cells.ts";

export { cell, codeCell };

const STATUS_LABEL: Record<string, string> = {
  passed: "✅ passed",
  failed: "❌ failed",
  skipped: "⏭️ skipped",
  "known-deviation": "⚠️ known deviation",
  unjudged: "❔ unjudged",
  "compat-differs": "🔀 compat differs",
};

/**
 * A status as the Markdown reports show it (`❌ failed`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { statusLabel } from "./markdown.ts";
 * assertEquals(statusLabel("known-deviation"), "⚠️ known deviation");
 * ```
 */
export function statusLabel(status: Status): string {
  return STATUS_LABEL[status] ?? status;
}

/** Text for a list or paragraph: only what would start an HTML tag escaped. */
function prose(text: string): string {
  return text.replace(/<(?=[A-Za-z/!?])/g, "&lt;");
}

/** A code span that survives backticks inside. */
function code(text: string): string {
  return text.includes("`") ? `\`\` ${text} \`\`` : `\`${text}\``;
}

/** A fenced block whose fence is longer than any backtick run inside. */
function fence(lang: string, body: string): string {
  const longest = Math.max(
    2,
    ...[...body.matchAll(/`+/g)].map((m) => m[0].length),
  );
  const f = "`".repeat(longest + 1);
  return `${f}${lang}\n${body}\n${f}`;
}

/** A collapsed block: `<details>` with a summary, then Markdown inside. */
function collapsed(summary: string, body: string): string {
  return `<details><summary>${
    cell(summary)
  }</summary>\n\n${body}\n\n</details>`;
}

/**
 * The summary counts in words, failures first.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { summaryLine } from "./markdown.ts";
 * assertEquals(
 *   summaryLine({ passed: 3, failed: 1, skipped: 0, knownDeviation: 2, unjudged: 0 }),
 *   "1 failed, 3 passed, 2 known deviations, 0 unjudged, 0 skipped",
 * );
 * assertEquals(
 *   summaryLine({ passed: 3, failed: 0, skipped: 0, knownDeviation: 0, unjudged: 0, compatDiffers: 4 }),
 *   "0 failed, 3 passed, 0 known deviations, 4 differ from Node.js, 0 unjudged, 0 skipped",
 * );
 * ```
 */
export function summaryLine(s: Summary): string {
  // Runtime rows that differ from Node.js are neither passed nor failed:
  // counted apart, so the counts add up to the rows.
  const compat = s.compatDiffers
    ? `, ${s.compatDiffers} differ from Node.js`
    : "";
  return `${s.failed} failed, ${s.passed} passed, ${s.knownDeviation} known deviation${
    s.knownDeviation === 1 ? "" : "s"
  }${compat}, ${s.unjudged} unjudged, ${s.skipped} skipped`;
}

/**
 * The kit's revision as one line: `<commit> (<branch>) of <repository>`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { sourceLine } from "./markdown.ts";
 * assertEquals(sourceLine({ commit: "9ed9313f21eb37a66c8d4fb7eb1e2649636d1070", branch: "main" }),
 *   "9ed9313f21eb37a66c8d4fb7eb1e2649636d1070 (main)");
 * assertEquals(sourceLine(null), "not a git checkout");
 * ```
 */
export function sourceLine(s: Environment["source"]): string {
  if (s === undefined) return "not recorded";
  if (s === null) return "not a git checkout";
  return `${s.commit}${s.branch ? ` (${s.branch})` : ""}${
    s.repository ? ` of ${s.repository}` : ""
  }`;
}

/**
 * The environment as `[label, value]` pairs, in the order every report
 * shows them; the sysctls come last, one pair each. Fields an older report
 * lacks are left out.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { environmentPairs } from "./markdown.ts";
 * const pairs = environmentPairs({
 *   os: "linux", kernel: "6.1.0", arch: "x86_64", deno: "2.9.6", v8: "14.0",
 *   gcc: null, tcpdump: null, root: false, sysctls: {},
 * });
 * assertEquals(pairs.slice(0, 2), [["OS", "linux"], ["kernel", "6.1.0"]]);
 * ```
 */
export function environmentPairs(e: Environment): [string, string][] {
  const pairs: [string, string][] = [["OS", e.os]];
  if (e.distribution) pairs.push(["distribution", e.distribution]);
  pairs.push(
    ["kernel", e.kernel],
    ["arch", e.arch],
    ["Deno", `${e.deno} (V8 ${e.v8})`],
    ["gcc", e.gcc ?? "absent"],
    ["tcpdump", e.tcpdump ?? "absent"],
    ...Object.entries(e.runtimes ?? {}),
    ["root", e.root === null ? "n/a" : e.root ? "yes" : "no"],
  );
  if (e.kernelFacts !== undefined) {
    pairs.push([
      "TCP_INFO",
      e.kernelFacts
        ? `${e.kernelFacts.tcpInfoBytes} bytes`
        : "not measured (no helper)",
    ]);
  }
  if (e.source !== undefined) pairs.push(["kit", sourceLine(e.source)]);
  if (e.commandLine) pairs.push(["command line", e.commandLine]);
  const sysctls = Object.entries(e.sysctls);
  if (sysctls.length === 0) pairs.push(["sysctls", "none read"]);
  for (const [k, v] of sysctls) pairs.push([k, v]);
  return pairs;
}

/** What measured a figure, for the RST column and the timings lists. */
export type TimingSource = "syscall" | "wire" | "polled";

/** What each {@linkcode TimingSource} means, for legends. */
export const TIMING_SOURCES: Record<TimingSource, string> = {
  syscall:
    "syscall timestamps: the C helper's CLOCK_MONOTONIC stamps around the calls",
  wire: "wire capture: tcpdump's timestamps of the segments",
  polled:
    "Deno-layer state polling: performance.now() until the state probe saw the socket gone, mostly the probe's own polling",
};

/**
 * What measured a case's figure: the wire layer's come from the capture,
 * the Deno layer's from polling the socket table (its timer sees only what
 * the probe sees), the syscall layer's from the helper's stamps (those
 * named after a state going away are polled too).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { timingSource } from "./markdown.ts";
 * assertEquals(timingSource("deno", "RST (client state gone) after close()"), "polled");
 * assertEquals(timingSource("syscall", "RST seen after write #1"), "syscall");
 * ```
 */
export function timingSource(layer: string, name: string): TimingSource {
  if (layer === "wire" || /on the wire/.test(name)) return "wire";
  if (layer === "deno" || /state gone/.test(name)) return "polled";
  return "syscall";
}

/**
 * The RST figures of a row, each with what measured it:
 * `16.5 µs (wire)`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { rstFigures } from "./markdown.ts";
 * assertEquals(
 *   rstFigures({ layer: "deno", timings: [{ name: "RST (client state gone) after close()", value: 4031.6, unit: "us" }] }),
 *   ["4032 µs (polled)"],
 * );
 * ```
 */
export function rstFigures(
  c: Pick<ReportCase, "layer" | "timings">,
): string[] {
  return c.timings.filter((t) => t.name.includes("RST")).map((t) =>
    `${formatTiming(t)} (${timingSource(c.layer, t.name)})`
  );
}

/**
 * The command that re-runs one row on a machine set up as the README says
 * (`npx deno task kit`: `deno` itself need not be on PATH), with the cases
 * folder when the report recorded it. An exact id selects that case alone.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { reproduceCommand } from "./markdown.ts";
 * assertEquals(
 *   reproduceCommand({ id: "tcp-fin-reads-zero", layer: "deno" }, { cases: "cases" }),
 *   "npx deno task kit --cases cases --filter tcp-fin-reads-zero --layer deno",
 * );
 * ```
 */
export function reproduceCommand(
  c: Pick<ReportCase, "id" | "layer">,
  run?: Pick<RunInfo, "cases">,
): string {
  const quote = (w: string) =>
    /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", `'\\''`)}'`;
  return [
    "npx deno task kit",
    ...(run?.cases ? [`--cases ${quote(run.cases)}`] : []),
    `--filter ${quote(c.id)}`,
    ...(c.layer === "-" ? [] : [`--layer ${c.layer}`]),
  ].join(" ");
}

const ERRNO_TEXT: Record<string, string> = {
  EPIPE: "Broken pipe",
  ECONNRESET: "Connection reset by peer",
  ECONNREFUSED: "Connection refused",
  ECONNABORTED: "Software caused connection abort",
  ENOTCONN: "Transport endpoint is not connected",
  EAGAIN: "Resource temporarily unavailable",
  EWOULDBLOCK: "Resource temporarily unavailable",
  EBADF: "Bad file descriptor",
  EINVAL: "Invalid argument",
  ETIMEDOUT: "Connection timed out",
  EADDRINUSE: "Address already in use",
  EINTR: "Interrupted system call",
  EINPROGRESS: "Operation now in progress",
  ESHUTDOWN: "Cannot send after transport endpoint shutdown",
  EHOSTUNREACH: "No route to host",
};

/** `key=value` words of an answer line, in order. */
function answerFields(answer: string): [string, string][] {
  return answer.trim().split(/\s+/).slice(1).flatMap((w) => {
    const eq = w.indexOf("=");
    return eq > 0
      ? [[w.slice(0, eq), w.slice(eq + 1)] as [string, string]]
      : [];
  });
}

/**
 * One helper command as a system call: `write 5 123` →
 * `write(5, "123")`, `write 5 *4096` → `write(5, <4096 bytes>)`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { callText } from "./markdown.ts";
 * assertEquals(callText("send 4 *3 nosignal"), "send(4, <3 bytes>, nosignal)");
 * assertEquals(callText("shutdown 3 wr"), "shutdown(3, wr)");
 * ```
 */
export function callText(command: string): string {
  const [name, ...args] = command.trim().split(/\s+/);
  const shown = args.map((a, i) => {
    if ((name === "write" || name === "send") && i === 1) {
      const n = /^\*(\d+)$/.exec(a)?.[1];
      return n ? `<${n} bytes>` : JSON.stringify(a);
    }
    return a;
  });
  return `${name}(${shown.join(", ")})`;
}

/**
 * A helper's answer as strace shows a result: `= 3`, `= -1 EPIPE (Broken
 * pipe)`, with the answer's other fields after it.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { resultText } from "./markdown.ts";
 * assertEquals(resultText({ kind: "fail", ret: -1, errno: "EPIPE", answer: "fail ret=-1 errno=EPIPE t0=1 t1=2" }), "= -1 EPIPE (Broken pipe)");
 * assertEquals(resultText({ kind: "ok", ret: 1, answer: "ok ret=1 t0=1 t1=2 revents=POLLIN|POLLRDHUP" }), "= 1 (revents=POLLIN|POLLRDHUP)");
 * ```
 */
export function resultText(
  call: { kind: string; ret: number; errno?: string; answer: string },
): string {
  const extra = answerFields(call.answer).filter(([k]) =>
    !["ret", "errno", "t0", "t1"].includes(k)
  ).map(([k, v]) => `${k}=${v}`);
  const more = extra.length ? ` (${extra.join(", ")})` : "";
  switch (call.kind) {
    case "ok":
      return `= ${call.ret}${more}`;
    case "fail": {
      const errno = call.errno ?? "E?";
      return `= ${call.ret} ${errno}${
        ERRNO_TEXT[errno] ? ` (${ERRNO_TEXT[errno]})` : ""
      }${extra.length ? ` ${more.trim()}` : ""}`;
    }
    case "died":
      return `= ? (the helper ended before answering${
        call.answer ? `: ${call.answer}` : ""
      })`;
    default:
      return `= ? (${call.kind}: ${call.answer})`;
  }
}

/** A duration in ns as a short figure: `812 ns`, `12.4 µs`, `3.1 ms`. */
function shortDuration(ns: number): string {
  if (ns < 1000) return `${Math.round(ns)} ns`;
  if (ns < 1e6) return `${(ns / 1000).toFixed(ns < 1e5 ? 1 : 0)} µs`;
  return `${(ns / 1e6).toFixed(1)} ms`;
}

/**
 * Every helper's calls as one strace-like listing, in time order: time
 * since the case's first helper call, the helper (when there are several),
 * the call with its arguments, the result with the errno's name, and the
 * call's own duration; then how each helper ended.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { transcriptLines } from "./markdown.ts";
 * assertEquals(transcriptLines([{ helper: "server", calls: [
 *   { command: "write 5 123", answer: "fail ret=-1 errno=EPIPE t0=0 t1=9000", kind: "fail", ret: -1, errno: "EPIPE", t0Ns: 1500000, t1Ns: 1509000 },
 * ] }]), ['    1.500 ms  write(5, "123") = -1 EPIPE (Broken pipe)  <9.0 µs>']);
 * ```
 */
export function transcriptLines(transcripts: HelperTranscript[]): string[] {
  const several = transcripts.length > 1;
  const nameWidth = Math.max(...transcripts.map((t) => t.helper.length));
  const rows: { t: number; order: number; text: string }[] = [];
  let order = 0;
  for (const t of transcripts) {
    let last = 0;
    for (const c of t.calls) {
      const at = c.t0Ns ?? last;
      last = c.t1Ns ?? at;
      const time = c.t0Ns === undefined
        ? "".padStart(12)
        : `${(c.t0Ns / 1e6).toFixed(3).padStart(9)} ms`;
      const took = c.t0Ns !== undefined && c.t1Ns !== undefined
        ? `  <${shortDuration(c.t1Ns - c.t0Ns)}>`
        : "";
      rows.push({
        t: at,
        order: order++,
        text: `${time}  ${several ? `${t.helper.padEnd(nameWidth)}  ` : ""}${
          callText(c.command)
        } ${resultText(c)}${took}`,
      });
    }
  }
  rows.sort((a, b) => a.t - b.t || a.order - b.order);
  const lines = rows.map((r) => r.text);
  for (const t of transcripts) {
    const who = several ? `${t.helper}: ` : "";
    if (t.exit) lines.push(`+++ ${who}exited: ${t.exit} +++`);
    if (t.stderr?.trim()) {
      lines.push(`${who}stderr: ${t.stderr.trim().replace(/\n/g, "\n  ")}`);
    }
  }
  return lines;
}

function timingLine(c: ReportCase, t: Timing): string {
  return `- ${t.name}: ${formatTiming(t)} (${
    TIMING_SOURCES[timingSource(c.layer, t.name)].split(":")[0]
  })`;
}

function stepsTable(c: ReportCase): string[] {
  const parts: string[] = [];
  const long: [number, string][] = [];
  const rows = c.steps.map((s, i) => {
    const detail = s.detail?.trim() ?? "";
    const inline = detail && !detail.includes("\n") && detail.length <= 100;
    if (detail && !inline) long.push([i + 1, detail]);
    return `| ${i + 1} | ${cell(s.step)} | ${
      s.expected === undefined ? "— (none recorded)" : codeCell(s.expected)
    } | ${codeCell(s.observed)}${
      inline ? `<br><sub>${cell(detail)}</sub>` : ""
    } | ${statusLabel(s.status)} |`;
  });
  parts.push(
    [
      "| # | step | expected | observed | status |",
      "|---|---|---|---|---|",
      ...rows,
    ].join("\n"),
  );
  for (const [n, detail] of long) {
    parts.push(
      `Step ${n}, ${c.steps[n - 1].step}:\n\n${fence("text", detail)}`,
    );
  }
  // Sources, each once, with the steps that rest on it.
  const bySource = new Map<string, number[]>();
  c.steps.forEach((s, i) => {
    const text = [
      s.source,
      s.issue
        ? `${
          s.status === "known-deviation" ? "deviation " : ""
        }tracked at ${s.issue}`
        : "",
    ].filter((x) => x).join("; ");
    if (text) bySource.set(text, [...(bySource.get(text) ?? []), i + 1]);
  });
  if (bySource.size > 0) {
    parts.push(
      [
        "Sources:",
        ...[...bySource].map(([text, steps]) =>
          `- step${steps.length > 1 ? "s" : ""} ${steps.join(", ")}: ${
            prose(text)
          }`
        ),
      ].join("\n"),
    );
  }
  return parts;
}

/**
 * One case at one layer, in full: steps with expected, observed and
 * sources; figures; the helpers' calls; the wire trace; the failure
 * message; the command that reproduces it.
 *
 * @example
 * ```ts
 * import { assertStringIncludes } from "@std/assert";
 * import { caseDetails } from "./markdown.ts";
 * const md = caseDetails({
 *   id: "tcp-x", layer: "syscall", status: "passed", summary: "s", timings: [],
 *   steps: [{ step: "write() #1", expected: "3", observed: "3", status: "passed", source: "write(2)" }],
 * });
 * assertStringIncludes(md, "| 1 | write() #1 | `3` | `3` | ✅ passed |");
 * assertStringIncludes(md, "- step 1: write(2)");
 * ```
 */
export function caseDetails(c: ReportCase, run?: RunInfo): string {
  const parts = [`### ${code(c.id)} [${c.layer}]: ${statusLabel(c.status)}`];
  if (c.summary) parts.push(`> ${c.summary}`);
  const facts = [
    c.file ? `case file ${code(c.file)}` : "",
    c.durationMs !== undefined ? `${c.durationMs} ms` : "",
  ].filter((x) => x);
  if (facts.length) parts.push(facts.join(", "));
  if (c.status === "skipped") {
    parts.push(`Skipped: ${cell(rowNote(c) || "no reason given")}`);
  }
  if (c.steps.length > 0) parts.push(...stepsTable(c));
  if (c.timings.length > 0) {
    parts.push(
      ["Figures:", ...c.timings.map((t) => timingLine(c, t))].join("\n"),
    );
  }
  if (c.transcripts?.length) {
    parts.push(
      `Helper calls, as strace would show them (ms since the case's first helper call; \`<…>\` is the call's own duration):\n\n${
        fence("text", transcriptLines(c.transcripts).join("\n"))
      }`,
    );
  }
  const traces = c.trace ? [c.trace, ...(c.trace.others ?? [])] : [];
  traces.filter((t) => t.segments.length > 0).forEach((t, i, all) => {
    parts.push(
      `Wire trace${all.length > 1 ? ` ${i + 1} of ${all.length}` : ""}${
        t.capture ? ` (capture: ${code(t.capture)})` : ""
      }; ✗ marks a segment the expectation does not allow:`,
    );
    parts.push(fence("mermaid", traceToMermaid(t)));
    parts.push(fence("text", renderSegments(t.segments)));
  });
  if (c.reason && c.status !== "skipped") {
    parts.push(
      collapsed(
        c.status === "failed" ? "Failure message" : "Message",
        fence("text", c.reason),
      ),
    );
  }
  parts.push(
    `Reproduce (after \`./scripts/setup.sh\`):\n\n${
      fence("sh", reproduceCommand(c, run))
    }`,
  );
  return parts.join("\n\n");
}

/** How much of a run the Markdown report details. */
export interface MarkdownOptions {
  /**
   * `true`: every row in full; `false`: only failed, deviating and
   * unjudged rows. Default: every row when the run selected one case, else
   * only those.
   */
  evidence?: boolean;
}

/**
 * Whether a report is detailed row by row: as asked, else when it covers
 * one case id (a report to paste into a bug report).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { fullEvidence } from "./markdown.ts";
 * assertEquals(fullEvidence({ cases: [{ id: "a" }, { id: "a" }] }), true);
 * assertEquals(fullEvidence({ cases: [{ id: "a" }, { id: "b" }] }), false);
 * assertEquals(fullEvidence({ cases: [{ id: "a" }, { id: "b" }] }, { evidence: true }), true);
 * ```
 */
export function fullEvidence(
  report: { cases: Pick<ReportCase, "id">[] },
  options: MarkdownOptions = {},
): boolean {
  return options.evidence ?? new Set(report.cases.map((c) => c.id)).size <= 1;
}

/**
 * Renders a report as Markdown.
 *
 * @example
 * ```ts ignore
 * import { renderMarkdown } from "./markdown.ts";
 * await Deno.writeTextFile("reports/kit.md", renderMarkdown(report, { evidence: true }));
 * ```
 */
export function renderMarkdown(
  report: KitReport,
  options: MarkdownOptions = {},
): string {
  const full = fullEvidence(report, options);
  const out: string[] = [];
  out.push("# closewait conformance report");
  const selection = [
    report.selection.filter ? `--filter ${report.selection.filter}` : "",
    report.selection.layer ? `--layer ${report.selection.layer}` : "",
  ].filter((x) => x).join(" ");
  out.push(
    `${
      code(`${report.kit.name} ${report.kit.version}`)
    }, ${report.generated}: ${summaryLine(report.summary)}${
      selection ? ` (selection: ${code(selection)})` : ""
    }`,
  );
  out.push("## Environment");
  const envRows = environmentPairs(report.environment).map(([k, v]) =>
    k === "command line" ? `| ${k} | ${codeCell(v)} |` : `| ${k} | ${cell(v)} |`
  );
  if (report.run) {
    envRows.push(`| cases folder | ${codeCell(report.run.cases)} |`);
    envRows.push(
      `| kit arguments | ${codeCell(report.run.args.join(" ") || "(none)")} |`,
    );
  }
  out.push(["| | |", "|---|---|", ...envRows].join("\n"));
  out.push("## Results");
  out.push(
    [
      "| case | layer | status | notes | RST delay (measured by) |",
      "|---|---|---|---|---|",
      ...report.cases.map((c) =>
        `| ${code(c.id)} | ${c.layer} | ${statusLabel(c.status)} | ${
          cell(rowNote(c))
        } | ${cell(rstFigures(c).join(", "))} |`
      ),
    ].join("\n"),
  );
  const matrix = layerMatrix(report.cases, (c) => statusLabel(c.status));
  if (matrix) out.push("## Layers side by side", matrix);
  const sources = new Set(
    report.cases.flatMap((c) =>
      c.timings.filter((t) => t.name.includes("RST")).map((t) =>
        timingSource(c.layer, t.name)
      )
    ),
  );
  if (sources.size > 0) {
    out.push(
      [
        "RST delays are from the RST's trigger to the RST, measured by:",
        ...(["syscall", "wire", "polled"] as const).filter((s) =>
          sources.has(s)
        ).map((s) => `- ${s}: ${TIMING_SOURCES[s]}`),
      ].join("\n"),
    );
  }
  const bad = (c: ReportCase) =>
    c.status === "failed" || c.status === "known-deviation" ||
    c.status === "compat-differs";
  // A wire case's packetdrill reproducer (its packetdrill row, with the
  // scripts) is detailed with it, so a bug report carries the script.
  const reproducer = (c: ReportCase) =>
    c.layer === "packetdrill" &&
    report.cases.some((w) => w.id === c.id && w.layer === "wire" && bad(w));
  const notable = report.cases.filter((c) => bad(c) || reproducer(c));
  const unjudged = report.cases.filter((c) =>
    c.status === "unjudged" && !reproducer(c)
  );
  const rest = report.cases.filter((c) =>
    (c.status === "passed" || c.status === "skipped") && !reproducer(c)
  );
  if (!full && rest.length > 0) {
    out.push(
      `Details follow for the failed, deviating and unjudged rows only; ${
        code("--evidence")
      } details every row.`,
    );
  }
  if (notable.length > 0) {
    out.push("## Failed and deviating cases");
    for (const c of notable) out.push(caseDetails(c, report.run));
  }
  if (unjudged.length > 0) {
    out.push("## Unjudged cases");
    out.push(
      `No expectation is recorded for this platform (${report.environment.os} ${report.environment.kernel}) at these steps: what was observed is below, to be recorded in ${
        code(`lib/expectations/${report.environment.os}.ts`)
      } with a source.`,
    );
    for (const c of unjudged) out.push(caseDetails(c, report.run));
  }
  if (full && rest.length > 0) {
    out.push("## Passed and skipped cases");
    for (const c of rest) out.push(caseDetails(c, report.run));
  }
  return out.join("\n\n") + "\n";
}
