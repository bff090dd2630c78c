import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import {
  parseTestOutput,
  processErrorLine,
  TestOutputParser,
} from "./test_output.ts";

const fixture = (name: string) =>
  Deno.readTextFile(
    new URL(`../../fixtures/deno_test/${name}`, import.meta.url),
  );

Deno.test("parseTestOutput() reads verdicts, records and errors of a run", async () => {
  const out = parseTestOutput(await fixture("kit_cases_run.stdout.txt"));
  assert(out.finished);
  assertEquals(out.verdicts.get("fixture-error [syscall]")?.verdict, "FAILED");
  assertEquals(
    out.verdicts.get("fixture-error [syscall]")?.file,
    "fixtures/kit_cases/error_test.ts",
  );
  assertEquals(out.verdicts.get("fixture-leak [deno]")?.verdict, "FAILED");
  assertEquals(out.verdicts.get("fixture-unjudged [deno]")?.verdict, "ok");
  assertEquals(
    out.records.map((r) => `${r.id} ${r.status}`).sort(),
    [
      "fixture-error failed",
      "fixture-leak unjudged",
      "fixture-unjudged unjudged",
    ],
  );
  assertStringIncludes(
    out.errors.get("fixture-leak [deno]")!,
    "Leaks detected",
  );
});

Deno.test("parseTestOutput() attributes files that failed outside any test", async () => {
  const out = parseTestOutput(await fixture("kit_cases_run.stdout.txt"));
  assertStringIncludes(
    out.uncaught.get("fixtures/kit_cases/load_error_test.ts")!,
    "fixture: thrown at load",
  );
  assertEquals(
    out.uncaught.get("fixtures/kit_cases/exit_at_load_test.ts"),
    "called Deno.exit(7) while loading, outside any test",
  );
});

Deno.test("parseTestOutput() gives catalog lines their file, even before an unclosed block", async () => {
  const out = parseTestOutput(await fixture("kit_cases_list.stdout.txt"));
  const files = Object.fromEntries(out.listings.map((l) => [l.id, l.file]));
  assertEquals(
    files["fixture-load-error"],
    "fixtures/kit_cases/load_error_test.ts",
  );
  assertEquals(
    files["fixture-unjudged"],
    "fixtures/kit_cases/unjudged_test.ts",
  );
  assertEquals(out.listings.length, 6);
});

Deno.test("parseTestOutput() leaves a killed run unfinished", async () => {
  const out = parseTestOutput(await fixture("crash_run.stdout.txt"));
  assertEquals(out.finished, false);
  assertEquals(out.files.at(-1), "fixtures/kit_cases/crash_test.ts");
  assertEquals(out.verdicts.has("fixture-crash [syscall]"), false);
  assertEquals(out.records.map((r) => r.id), ["fixture-unjudged"]);
});

Deno.test("TestOutputParser.line() announces records as they stream", () => {
  const p = new TestOutputParser();
  assertEquals(p.line("running 1 test from ./a_test.ts"), {
    kind: "file",
    file: "a_test.ts",
  });
  const e = p.line(
    '##closewait-result {"id":"a","layer":"deno","status":"passed"}',
  );
  assertEquals(e?.kind, "record");
  assertEquals(p.line("##closewait-result {broken"), undefined);
  assertEquals(p.result().malformed.length, 1);
});

Deno.test("TestOutputParser.line() ignores verdict-like lines inside test output", () => {
  const out = new TestOutputParser().text([
    "running 1 test from ./a_test.ts",
    "a [deno] ...",
    "------- output -------",
    "b [deno] ... FAILED (1ms)",
    "----- output end -----",
    "a [deno] ... ok (1ms)",
  ].join("\n")).result();
  assertEquals([...out.verdicts.keys()], ["a [deno]"]);
});

Deno.test("processErrorLine() names the first type error, its place and the count", async () => {
  const line = processErrorLine(
    await fixture("type_error.stderr.txt"),
    "file:///closewait/",
  );
  assertEquals(
    line,
    "type check failed: TS2345 Argument of type 'Promise<string>' is not assignable to parameter of type 'string'. (at cases/sigpipe_on_write_after_reset_test.ts:82:47; 2 type errors)",
  );
});

Deno.test("processErrorLine() skips deno's closing 'Test failed'", () => {
  assertEquals(processErrorLine("error: Test failed\n"), undefined);
});
