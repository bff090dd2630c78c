/**
 * The kit report as Markdown, ready to paste into a bug report: the
 * environment, a table of every case and layer, and for each failed or
 * deviating case its steps (expected vs observed), the wire trace when
 * there is one, and the command that reproduces it.
 *
 * @module
 */

import type { Environment } from "./environment.ts";
import type { Status } from "../case/result.ts";
import {
  type KitReport,
  type ReportCase,
  rowNote,
  rstTiming,
  type Summary,
} from "./report.ts";
import { traceToMermaid } from "./trace.ts";
import { renderSegments } from "../wire/render.ts";

const STATUS_LABEL: Record<Status, string> = {
  passed: "✅ passed",
  failed: "❌ failed",
  skipped: "⏭️ skipped",
  "known-deviation": "⚠️ known deviation",
  unjudged: "❔ unjudged",
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

/**
 * Text made safe for one Markdown table cell: HTML and pipes escaped, line
 * breaks as `<br>`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { cell } from "./markdown.ts";
 * assertEquals(cell("POLLIN|POLLRDHUP\nnext"), "POLLIN\\|POLLRDHUP<br>next");
 * ```
 */
export function cell(text: string | undefined): string {
  return (text ?? "").replaceAll("&", "&amp;").replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;").replaceAll("\\", "\\\\").replaceAll("|", "\\|")
    .replace(/\r?\n/g, "<br>");
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
 * ```
 */
export function summaryLine(s: Summary): string {
  return `${s.failed} failed, ${s.passed} passed, ${s.knownDeviation} known deviation${
    s.knownDeviation === 1 ? "" : "s"
  }, ${s.unjudged} unjudged, ${s.skipped} skipped`;
}

/**
 * The environment as `[label, value]` pairs, in the order every report
 * shows them.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { environmentPairs } from "./markdown.ts";
 * const pairs = environmentPairs({
 *   os: "linux", kernel: "6.1.0", arch: "x86_64", deno: "2.9.6", v8: "14.0",
 *   gcc: null, tcpdump: null, root: false, sysctls: {},
 * });
 * assertEquals(pairs[0], ["OS", "linux 6.1.0 (x86_64)"]);
 * ```
 */
export function environmentPairs(e: Environment): [string, string][] {
  return [
    ["OS", `${e.os} ${e.kernel} (${e.arch})`],
    ["Deno", `${e.deno} (V8 ${e.v8})`],
    ["gcc", e.gcc ?? "absent"],
    ["tcpdump", e.tcpdump ?? "absent"],
    ["root", e.root === null ? "n/a" : e.root ? "yes" : "no"],
    [
      "sysctls",
      Object.entries(e.sysctls).map(([k, v]) => `${k}=${v}`).join(", ") ||
      "none read",
    ],
  ];
}

/**
 * The command that re-runs one row: `deno task kit --filter <id> --layer
 * <layer>` (an exact id selects that case alone).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { reproduceCommand } from "./markdown.ts";
 * assertEquals(
 *   reproduceCommand({ id: "tcp-fin-reads-zero", layer: "deno" }),
 *   "deno task kit --filter tcp-fin-reads-zero --layer deno",
 * );
 * ```
 */
export function reproduceCommand(c: Pick<ReportCase, "id" | "layer">): string {
  const id = /^[\w.-]+$/.test(c.id) ? c.id : `'${c.id.replaceAll("'", "")}'`;
  return `deno task kit --filter ${id}${
    c.layer === "-" ? "" : ` --layer ${c.layer}`
  }`;
}

function caseDetails(c: ReportCase): string {
  const parts = [`### ${code(c.id)} [${c.layer}]: ${statusLabel(c.status)}`];
  if (c.summary) parts.push(`> ${c.summary}`);
  if (c.file) parts.push(`Case file: ${code(c.file)}`);
  if (c.steps.length > 0) {
    const rows = c.steps.map((s, i) =>
      `| ${i + 1} | ${cell(s.step)} | ${cell(s.expected ?? "—")} | ${
        cell(s.observed)
      }${s.detail ? `<br><sub>${cell(s.detail)}</sub>` : ""} | ${
        statusLabel(s.status)
      } |`
    );
    parts.push(
      [
        "| # | step | expected | observed | status |",
        "|---|---|---|---|---|",
        ...rows,
      ].join("\n"),
    );
    const sources = c.steps.filter((s) =>
      s.status !== "passed" && (s.source || s.issue)
    ).map((s) =>
      `- ${cell(s.step)}: ${s.source ?? ""}${
        s.issue ? `${s.source ? "; " : ""}tracked at ${s.issue}` : ""
      }`
    );
    if (sources.length) parts.push(["Sources:", ...sources].join("\n"));
  }
  if (c.timings.length > 0) {
    parts.push(
      `Timings: ${
        c.timings.map((t) => `${t.name} = ${t.value} ${t.unit}`).join("; ")
      }`,
    );
  }
  if (c.reason) parts.push(fence("text", c.reason));
  if (c.trace && c.trace.segments.length > 0) {
    const about = [
      c.trace.capture ? `capture: ${code(c.trace.capture)}` : "",
      c.trace.expected?.length
        ? `expected flags: ${code(c.trace.expected.join(", "))}`
        : "",
    ].filter((x) => x).join("; ");
    parts.push(`Wire trace${about ? ` (${about})` : ""}:`);
    parts.push(fence("mermaid", traceToMermaid(c.trace)));
    parts.push(fence("text", renderSegments(c.trace.segments)));
  }
  parts.push(`Reproduce:\n\n${fence("sh", reproduceCommand(c))}`);
  return parts.join("\n\n");
}

/**
 * Renders a report as Markdown.
 *
 * @example
 * ```ts ignore
 * import { renderMarkdown } from "./markdown.ts";
 * await Deno.writeTextFile("reports/kit.md", renderMarkdown(report));
 * ```
 */
export function renderMarkdown(report: KitReport): string {
  const out: string[] = [];
  out.push("# closewait conformance report");
  out.push(
    `${
      code(`${report.kit.name} ${report.kit.version}`)
    }, ${report.generated}: ${summaryLine(report.summary)}${
      report.selection.filter || report.selection.layer
        ? ` (selection: ${
          [
            report.selection.filter
              ? `--filter ${report.selection.filter}`
              : "",
            report.selection.layer ? `--layer ${report.selection.layer}` : "",
          ].filter((x) => x).join(" ")
        })`
        : ""
    }`,
  );
  out.push("## Environment");
  out.push(
    [
      "| | |",
      "|---|---|",
      ...environmentPairs(report.environment).map(([k, v]) =>
        `| ${k} | ${cell(v)} |`
      ),
    ].join("\n"),
  );
  out.push("## Results");
  out.push(
    [
      "| case | layer | status | notes | RST |",
      "|---|---|---|---|---|",
      ...report.cases.map((c) =>
        `| ${code(c.id)} | ${c.layer} | ${statusLabel(c.status)} | ${
          cell(rowNote(c))
        } | ${cell(rstTiming(c.timings))} |`
      ),
    ].join("\n"),
  );
  const notable = report.cases.filter((c) =>
    c.status === "failed" || c.status === "known-deviation"
  );
  if (notable.length > 0) {
    out.push("## Failed and deviating cases");
    for (const c of notable) out.push(caseDetails(c));
  }
  return out.join("\n\n") + "\n";
}
