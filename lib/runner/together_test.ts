import { assertEquals, assertStringIncludes } from "@std/assert";
import config from "../../deno.json" with { type: "json" };
import {
  canRunTogether,
  ENTRY_DIR,
  entrySource,
  specifierFrom,
  splitGroups,
  StartedTest,
  writeEntry,
} from "./together.ts";

Deno.test("canRunTogether() takes two or more test files, never a directory", () => {
  assertEquals(
    canRunTogether(["cases/a_test.ts", "cases/node/b_test.ts"]),
    true,
  );
  assertEquals(canRunTogether(["cases/a_test.ts"]), false);
  assertEquals(canRunTogether(["cases", "cases/a_test.ts"]), false);
});

Deno.test("specifierFrom() climbs out of the entry's folder and escapes names", () => {
  assertEquals(
    specifierFrom("reports/.kit", "cases/node/a_test.ts"),
    "../../cases/node/a_test.ts",
  );
  assertEquals(
    specifierFrom("./reports/.kit/", "./cases/a b_test.ts"),
    "../../cases/a%20b_test.ts",
  );
  assertEquals(
    specifierFrom("reports/.kit", "C:\\k\\a_test.ts"),
    "file:///C:/k/a_test.ts",
  );
});

Deno.test("entrySource() imports every file statically, in order", () => {
  const text = entrySource(["cases/b_test.ts", "cases/a_test.ts"]);
  const imports = text.split("\n").filter((l) => l.startsWith("import"));
  assertEquals(imports, [
    'import "../../cases/b_test.ts";',
    'import "../../cases/a_test.ts";',
  ]);
});

Deno.test("writeEntry() gives the same path for the same files and another for others", async () => {
  const dir = "reports/.selftest/together";
  try {
    const first = await writeEntry(["cases/a_test.ts", "cases/b_test.ts"], dir);
    const again = await writeEntry(["cases/a_test.ts", "cases/b_test.ts"], dir);
    const other = await writeEntry(["cases/b_test.ts", "cases/a_test.ts"], dir);
    assertEquals(first, again);
    assertEquals(first === other, false);
    assertStringIncludes(first, `${dir}/run-`);
    assertStringIncludes(
      await Deno.readTextFile(first),
      'import "../../../cases/a_test.ts";',
    );
    const names = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assertEquals(names.filter((n) => n.endsWith(".tmp")), []);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});

Deno.test("StartedTest() names the test without a verdict, not what a test printed", () => {
  const t = new StartedTest();
  t.line("running 2 tests from ./reports/.kit/run-1_test.ts");
  t.line("a [deno] ...");
  t.line("------- output -------");
  t.line("waiting for the peer ...");
  t.line("----- output end -----");
  t.line("a [deno] ... ok (3ms)");
  assertEquals(t.name, undefined);
  t.line("b [syscall] ...");
  t.line("------- post-test output -------");
  t.line("something ...");
  assertEquals(t.name, "b [syscall]");
});

Deno.test("splitGroups() balances the cost and keeps each group in file order", () => {
  const weight = (f: string) => ({ a: 1, b: 6, c: 1, d: 6, e: 2 })[f] ?? 1;
  // b and d (6 each) first, one per group; then e (2), a and c (1 each).
  assertEquals(splitGroups(["a", "b", "c", "d", "e"], weight, 2), [
    ["b", "e"],
    ["a", "c", "d"],
  ]);
  assertEquals(splitGroups(["a"], weight, 4), [["a"]]);
  assertEquals(splitGroups([], weight, 2), []);
});

Deno.test("deno.json leaves the entries' folder to deno test, whatever else of reports/ it excludes", () => {
  const excludes: string[] = config.exclude ?? [];
  // An excluded entry is "No test modules found": every run would fall back
  // to one isolate per file.
  const covering = excludes.findLastIndex((e) =>
    !e.startsWith("!") && `${ENTRY_DIR}/`.startsWith(e.replace(/^\.\//, ""))
  );
  if (covering >= 0) {
    assertEquals(excludes.indexOf(`!${ENTRY_DIR}/`) > covering, true);
  }
});
