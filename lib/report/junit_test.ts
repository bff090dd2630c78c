import { assertEquals, assertStringIncludes } from "@std/assert";
import { parseKitReport } from "./report.ts";
import { renderJunit, xmlEscape } from "./junit.ts";

const report = async () =>
  parseKitReport(
    await Deno.readTextFile(
      new URL("../../fixtures/reports/linux-aarch64.json", import.meta.url),
    ),
  );

Deno.test("renderJunit() writes one testcase per case and layer", async () => {
  const r = await report();
  const xml = renderJunit(r);
  assertEquals(xml.match(/<testcase /g)?.length, r.cases.length);
  assertEquals(xml.match(/<testcase [^>]*>/g)?.length, r.cases.length);
  assertEquals(xml.match(/<\/testcase>/g)?.length, r.cases.length);
  assertStringIncludes(
    xml,
    `tests="${r.cases.length}" failures="1" skipped="1"`,
  );
});

Deno.test("renderJunit() marks failed and skipped cases", async () => {
  const xml = renderJunit(await report());
  assertStringIncludes(
    xml,
    '<failure message="segments: expected c:S s:S. c:. c:F. s:. s:P.(3) c:R, observed c:S s:S. c:. c:F. s:P.(3) c:R." type="ExpectationFailure">',
  );
  assertStringIncludes(
    xml,
    '<skipped message="gcc not found: the C helper cannot be built"/>',
  );
  assertStringIncludes(
    xml,
    '<property name="closewait.status" value="known-deviation"/>',
  );
});

Deno.test("renderJunit() puts the observations in system-out", async () => {
  const xml = renderJunit(await report());
  assertStringIncludes(
    xml,
    "1. segments: observed c:S s:S. c:. c:F. s:P.(3) c:R.",
  );
  assertStringIncludes(xml, "wire:\n");
  assertStringIncludes(xml, '<property name="tcpdump" value="absent"/>');
});

Deno.test("xmlEscape() escapes markup and drops what XML cannot carry", () => {
  assertEquals(xmlEscape(`<a b='c'>\u0000&`), "&lt;a b=&apos;c&apos;&gt;&amp;");
});
