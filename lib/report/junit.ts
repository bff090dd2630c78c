/**
 * The kit report as JUnit XML, for CI systems that show test results: one
 * `testcase` per case and layer, failed and skipped ones marked, and the
 * observations (steps, timings, wire trace) in `system-out`.
 *
 * @module
 */

import { formatTiming, type KitReport, type ReportCase } from "./report.ts";
import { renderSegments } from "../wire/render.ts";

/**
 * Text escaped for XML content and attributes; characters XML 1.0 cannot
 * carry are dropped.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { xmlEscape } from "./junit.ts";
 * assertEquals(xmlEscape(`a<b & "c"\u0001`), "a&lt;b &amp; &quot;c&quot;");
 * ```
 */
export function xmlEscape(text: string): string {
  return text
    // deno-lint-ignore no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");
}

function observations(c: ReportCase): string {
  const lines = [c.summary];
  for (const [i, s] of c.steps.entries()) {
    lines.push(
      `${i + 1}. ${s.step}: observed ${s.observed}${
        s.expected !== undefined ? `, expected ${s.expected}` : ""
      } [${s.status}]${s.detail ? ` (${s.detail})` : ""}`,
    );
  }
  for (const t of c.timings) {
    lines.push(`timing: ${t.name} = ${formatTiming(t)}`);
  }
  if (c.trace) lines.push("wire:", renderSegments(c.trace.segments));
  if (c.reason && c.status !== "failed" && c.status !== "skipped") {
    lines.push(c.reason);
  }
  return lines.join("\n");
}

function testcase(c: ReportCase, suite: string): string {
  const time = ((c.durationMs ?? 0) / 1000).toFixed(3);
  const open = `    <testcase classname="${
    xmlEscape(`${suite}.${c.layer}`)
  }" name="${xmlEscape(`${c.id} [${c.layer}]`)}" time="${time}"${
    c.file ? ` file="${xmlEscape(c.file)}"` : ""
  }>`;
  const body: string[] = [];
  if (c.status === "known-deviation" || c.status === "unjudged") {
    body.push(
      `      <properties><property name="closewait.status" value="${c.status}"/></properties>`,
    );
  }
  if (c.status === "failed") {
    const message = c.step && c.expected !== undefined
      ? `${c.step}: expected ${c.expected}, observed ${c.observed}`
      : (c.reason ?? c.observed ?? "failed").split("\n")[0];
    body.push(
      `      <failure message="${xmlEscape(message)}" type="${
        c.step ? "ExpectationFailure" : "Error"
      }">${xmlEscape(c.reason ?? message)}</failure>`,
    );
  } else if (c.status === "skipped") {
    body.push(`      <skipped message="${xmlEscape(c.reason ?? "skipped")}"/>`);
  }
  body.push(`      <system-out>${xmlEscape(observations(c))}</system-out>`);
  return [open, ...body, "    </testcase>"].join("\n");
}

/**
 * Renders a report as JUnit XML: one test suite named after the machine.
 * Known deviations and unjudged cases pass, with their status as a
 * property.
 *
 * @example
 * ```ts ignore
 * import { renderJunit } from "./junit.ts";
 * await Deno.writeTextFile("reports/kit.xml", renderJunit(report));
 * ```
 */
export function renderJunit(report: KitReport): string {
  const e = report.environment;
  const suite = "closewait";
  const failures = report.summary.failed;
  const skipped = report.summary.skipped;
  const tests = report.cases.length;
  const time = (report.cases.reduce((t, c) => t + (c.durationMs ?? 0), 0) /
    1000).toFixed(3);
  const props = [
    ["kit", `${report.kit.name} ${report.kit.version}`],
    ["os", e.os],
    ["kernel", e.kernel],
    ["arch", e.arch],
    ["deno", e.deno],
    ["v8", e.v8],
    ["gcc", e.gcc ?? "absent"],
    ["tcpdump", e.tcpdump ?? "absent"],
    ["root", String(e.root)],
    ...Object.entries(e.sysctls),
  ].map(([k, v]) =>
    `      <property name="${xmlEscape(k)}" value="${xmlEscape(v)}"/>`
  );
  const name = `${suite} ${e.os} ${e.kernel} ${e.arch}`;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="${suite}" tests="${tests}" failures="${failures}" skipped="${skipped}" errors="0" time="${time}">`,
    `  <testsuite name="${
      xmlEscape(name)
    }" tests="${tests}" failures="${failures}" skipped="${skipped}" errors="0" time="${time}" timestamp="${report.generated}">`,
    "    <properties>",
    ...props,
    "    </properties>",
    ...report.cases.map((c) => testcase(c, suite)),
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}
