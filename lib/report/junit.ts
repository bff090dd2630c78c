/**
 * The kit report as JUnit XML, for CI systems that show test results: one
 * `testcase` per case and layer. A wrong observation is a `<failure>`; a
 * broken case (a crash, a hang, a file that did not load, a helper that
 * died: no step judged wrong) is an `<error>`; a skip is
 * `<skipped message="reason">`. The observations (status, steps, figures,
 * helper calls, wire trace) go in each testcase's `system-out`.
 *
 * The output validates against the Jenkins xunit-plugin's `junit-10.xsd`
 * (kept in `fixtures/junit/`), the strictest schema CI tools agree on:
 * no attributes or elements beyond it (no `file` on a testcase, no
 * `properties` inside one, no `skipped` on `testsuites`).
 *
 * @module
 */

import {
  formatTiming,
  type KitReport,
  type ReportCase,
  rowNote,
} from "./report.ts";
import { renderSegments } from "../wire/render.ts";
import { transcriptLines } from "./markdown.ts";

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
    .replace(
      /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
      "",
    )
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");
}

/** How a row shows in JUnit. */
export type JunitOutcome = "passed" | "failure" | "error" | "skipped";

/**
 * A row's JUnit outcome: a failed row with a step judged against an
 * expectation is a `failure` (the platform did something else); a failed
 * row without one is an `error` (the case itself broke: crash, hang, load
 * error, exception, a helper that died); a skip is `skipped`; everything
 * else (passed, known deviation, unjudged) passes, its status in
 * `system-out`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { junitOutcome } from "./junit.ts";
 * assertEquals(junitOutcome({ status: "failed", steps: [{ step: "write()", expected: "3", observed: "-1 EPIPE", status: "failed" }] }), "failure");
 * assertEquals(junitOutcome({ status: "failed", steps: [] }), "error");
 * assertEquals(junitOutcome({ status: "known-deviation", steps: [] }), "passed");
 * ```
 */
export function junitOutcome(
  c: Pick<ReportCase, "status" | "steps">,
): JunitOutcome {
  if (c.status === "skipped") return "skipped";
  if (c.status !== "failed") return "passed";
  return c.steps.some((s) => s.status === "failed" && s.expected !== undefined)
    ? "failure"
    : "error";
}

function observations(c: ReportCase): string {
  const lines = [`status: ${c.status}`];
  if (c.summary) lines.push(c.summary);
  if (c.file) lines.push(`case file: ${c.file}`);
  for (const [i, s] of c.steps.entries()) {
    lines.push(
      `${i + 1}. ${s.step}: observed ${s.observed}${
        s.expected !== undefined ? `, expected ${s.expected}` : ""
      } [${s.status}]${s.detail ? `\n${s.detail.replace(/^/gm, "   ")}` : ""}${
        s.source ? `\n   source: ${s.source}` : ""
      }${s.issue ? `\n   tracked at ${s.issue}` : ""}`,
    );
  }
  for (const t of c.timings) {
    lines.push(`timing: ${t.name} = ${formatTiming(t)}`);
  }
  if (c.transcripts?.length) {
    lines.push("helper calls:", ...transcriptLines(c.transcripts));
  }
  if (c.trace) lines.push("wire:", renderSegments(c.trace.segments));
  if (c.reason && c.status !== "failed" && c.status !== "skipped") {
    lines.push(c.reason);
  }
  return lines.join("\n");
}

/** A SUREFIRE_TIME: seconds with a dot, no exponent. */
function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

function testcase(c: ReportCase, suite: string): string {
  const open = `    <testcase classname="${
    xmlEscape(`${suite}.${c.layer}`)
  }" name="${xmlEscape(`${c.id} [${c.layer}]`)}" time="${
    seconds(c.durationMs ?? 0)
  }">`;
  const body: string[] = [];
  const outcome = junitOutcome(c);
  const note = rowNote(c) || (c.reason ?? "").split("\n")[0] || c.status;
  if (outcome === "failure") {
    body.push(
      `      <failure message="${xmlEscape(note)}" type="ExpectationFailure">${
        xmlEscape(c.reason ?? note)
      }</failure>`,
    );
  } else if (outcome === "error") {
    body.push(
      `      <error message="${xmlEscape(note)}" type="CaseError">${
        xmlEscape(c.reason ?? note)
      }</error>`,
    );
  } else if (outcome === "skipped") {
    body.push(`      <skipped message="${xmlEscape(note)}"/>`);
  }
  body.push(`      <system-out>${xmlEscape(observations(c))}</system-out>`);
  return [open, ...body, "    </testcase>"].join("\n");
}

/**
 * Renders a report as JUnit XML: one test suite named after the machine,
 * its environment as suite properties. Known deviations and unjudged cases
 * pass, their status first in `system-out`.
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
  const outcomes = report.cases.map(junitOutcome);
  const count = (o: JunitOutcome) => outcomes.filter((x) => x === o).length;
  const failures = count("failure");
  const errors = count("error");
  const skipped = count("skipped");
  const tests = report.cases.length;
  const time = seconds(
    report.cases.reduce((t, c) => t + (c.durationMs ?? 0), 0),
  );
  const props: [string, string][] = [
    ["kit", `${report.kit.name} ${report.kit.version}`],
    ["os", e.os],
    ...(e.distribution
      ? [["distribution", e.distribution] as [string, string]]
      : []),
    ["kernel", e.kernel],
    ["arch", e.arch],
    ["deno", e.deno],
    ["v8", e.v8],
    ["gcc", e.gcc ?? "absent"],
    ["tcpdump", e.tcpdump ?? "absent"],
    ["root", String(e.root)],
    ...(e.source ? [["kit.commit", e.source.commit] as [string, string]] : []),
    ...(e.source?.repository
      ? [["kit.repository", e.source.repository] as [string, string]]
      : []),
    ...(e.commandLine
      ? [["command line", e.commandLine] as [string, string]]
      : []),
    ...(report.run ? [["cases", report.run.cases] as [string, string]] : []),
    ...Object.entries(e.sysctls),
  ];
  const name = `${suite} ${e.os} ${e.kernel} ${e.arch}`;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="${suite}" tests="${tests}" failures="${failures}" errors="${errors}" time="${time}">`,
    `  <testsuite name="${
      xmlEscape(name)
    }" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${time}" timestamp="${
      xmlEscape(report.generated)
    }">`,
    "    <properties>",
    ...props.map(([k, v]) =>
      `      <property name="${xmlEscape(k)}" value="${xmlEscape(v)}"/>`
    ),
    "    </properties>",
    ...report.cases.map((c) => testcase(c, suite)),
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}
