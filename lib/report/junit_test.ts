import {
  assert,
  assertEquals,
  assertMatch,
  assertStringIncludes,
} from "@std/assert";
import { type KitReport, parseKitReport } from "./report.ts";
import { junitOutcome, renderJunit, xmlEscape } from "./junit.ts";

const fixture = async (name: string) =>
  parseKitReport(
    await Deno.readTextFile(
      new URL(`../../fixtures/reports/${name}`, import.meta.url),
    ),
  );

/** The Jenkins xunit-plugin schema (see fixtures/junit/README.md). */
const XSD = new URL("../../fixtures/junit/junit-10.xsd", import.meta.url);

/**
 * Why xmllint cannot run here, or `undefined` when it can: not allowed by
 * deno.json's run permissions, or not installed (scripts/setup.sh installs
 * Debian's libxml2-utils when it runs as root).
 */
async function xmllintMissing(): Promise<string | undefined> {
  const run = await Deno.permissions.query({ name: "run", command: "xmllint" });
  if (run.state !== "granted") {
    return "xmllint is not in deno.json's run permissions";
  }
  try {
    const out = await new Deno.Command("xmllint", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success ? undefined : "xmllint --version failed";
  } catch {
    return "xmllint is not installed (apt-get install libxml2-utils)";
  }
}
const noXmllint = await xmllintMissing();
if (noXmllint) console.error(`JUnit schema validation skipped: ${noXmllint}`);

/** xmllint's verdict on an XML text against junit-10.xsd. */
async function validate(xml: string): Promise<{ ok: boolean; errors: string }> {
  const child = new Deno.Command("xmllint", {
    args: ["--noout", "--schema", decodeURIComponent(XSD.pathname), "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(30_000),
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(xml));
  await writer.close();
  const out = await child.output();
  return { ok: out.success, errors: new TextDecoder().decode(out.stderr) };
}

for (
  const name of [
    "evidence-v2.json",
    "linux-x86_64-v2.json",
    "linux-aarch64.json",
  ]
) {
  Deno.test({
    name:
      `renderJunit() of ${name} validates against the xunit-plugin junit-10.xsd (xmllint)`,
    ignore: noXmllint !== undefined,
    async fn() {
      const result = await validate(renderJunit(await fixture(name)));
      assert(result.ok, result.errors);
    },
  });
}

Deno.test({
  name:
    "junit-10.xsd through xmllint rejects what the old JUnit had (the check can fail)",
  ignore: noXmllint !== undefined,
  async fn() {
    const xml = renderJunit(await fixture("evidence-v2.json"));
    const bad = xml.replace(
      '<testsuites name="closewait"',
      '<testsuites name="closewait" skipped="1"',
    ).replace(/<testcase /, '<testcase file="cases/x_test.ts" ');
    const result = await validate(bad);
    assert(!result.ok);
    assertStringIncludes(result.errors, "attribute 'skipped'");
    assertStringIncludes(result.errors, "attribute 'file'");
  },
});

Deno.test("renderJunit() writes one testcase per case and layer, with errors counted apart from failures", async () => {
  const r = await fixture("evidence-v2.json");
  const xml = renderJunit(r);
  assertEquals(xml.match(/<testcase [^>]*>/g)?.length, r.cases.length);
  assertEquals(xml.match(/<\/testcase>/g)?.length, r.cases.length);
  // One wrong observation, three broken cases (a crash, a helper that
  // died, a file that did not load), one skip.
  assertStringIncludes(
    xml,
    `<testsuites name="closewait" tests="${r.cases.length}" failures="1" errors="3" time=`,
  );
  assertMatch(
    xml,
    new RegExp(
      `<testsuite name="closewait linux [^"]+" tests="${r.cases.length}" failures="1" errors="3" skipped="1" `,
    ),
  );
});

Deno.test("renderJunit() makes a wrong observation a failure, a broken case an error, a skip skipped", async () => {
  const xml = renderJunit(await fixture("evidence-v2.json"));
  const testcase = (name: string) => {
    const at = xml.indexOf(`name="${name}"`);
    assert(at >= 0, name);
    return xml.slice(at, xml.indexOf("</testcase>", at));
  };
  assertStringIncludes(
    testcase("tcp-write-after-peer-close [wire]"),
    '<failure message="segments: expected c:S s:S. c:. c:F. s:. s:P.(3) c:R, observed c:S s:S. c:. c:F. s:P.(3) c:R." type="ExpectationFailure">',
  );
  assertStringIncludes(
    testcase("fixture-crash [syscall]"),
    '<error message="the test process was killed by SIGKILL while running fixtures/kit_cases/crash_test.ts" type="CaseError">',
  );
  assertStringIncludes(testcase("fixture-helper-dies [syscall]"), "<error ");
  assertStringIncludes(testcase("fixture-load-error [deno]"), "<error ");
  assertStringIncludes(
    testcase("tcp-fin-reads-zero [syscall]"),
    '<skipped message="gcc not found: the C helper cannot be built"/>',
  );
  const deviation = testcase("tcp-close-with-unread-data-sends-rst [deno]");
  assert(!/<(failure|error|skipped)/.test(deviation));
  assertStringIncludes(deviation, "<system-out>status: known-deviation\n");
  assertStringIncludes(
    testcase("fixture-unjudged [deno]"),
    "<system-out>status: unjudged\n",
  );
});

Deno.test("renderJunit() puts the observations, helper calls and wire trace in system-out", async () => {
  const xml = renderJunit(await fixture("evidence-v2.json"));
  assertMatch(
    xml,
    / +[\d.]+ ms {2}helper {11}write\(5, &quot;123&quot;\) = -1 EPIPE \(Broken pipe\)/,
  );
  assertStringIncludes(
    xml,
    "1. segments: observed c:S s:S. c:. c:F. s:P.(3) c:R., expected c:S s:S. c:. c:F. s:. s:P.(3) c:R [failed]",
  );
  assertStringIncludes(xml, "wire:\n");
  assertStringIncludes(
    xml,
    '<property name="distribution" value="Debian GNU/Linux 12 (bookworm)"/>',
  );
  assertStringIncludes(xml, '<property name="net.ipv4.tcp_sack" value="1"/>');
});

Deno.test("junitOutcome() tells a broken case from a wrong observation", () => {
  const row = (steps: KitReport["cases"][number]["steps"]) => ({
    status: "failed" as const,
    steps,
  });
  assertEquals(junitOutcome(row([])), "error");
  assertEquals(
    junitOutcome(
      row([{ step: "(error)", observed: "TypeError", status: "failed" }]),
    ),
    "error",
  );
  assertEquals(
    junitOutcome(
      row([{
        step: "read()",
        expected: "0",
        observed: "-1 EIO",
        status: "failed",
      }]),
    ),
    "failure",
  );
  assertEquals(junitOutcome({ status: "skipped", steps: [] }), "skipped");
  assertEquals(junitOutcome({ status: "unjudged", steps: [] }), "passed");
});

Deno.test("xmlEscape() escapes markup and drops what XML cannot carry", () => {
  assertEquals(xmlEscape(`<a b='c'>\u0000&`), "&lt;a b=&apos;c&apos;&gt;&amp;");
  assertEquals(xmlEscape("x\ud800y"), "xy");
});
