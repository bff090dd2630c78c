import { assertEquals, assertThrows } from "@std/assert";
import { parseFilter, parseKitArgs, UsageError } from "./args.ts";

Deno.test("parseKitArgs() reads every flag", () => {
  const o = parseKitArgs([
    "--json",
    "reports/a.json",
    "--markdown=reports/a.md",
    "--junit",
    "reports/a.xml",
    "--filter",
    "/^tcp-/",
    "--layer",
    "wire",
    "--cases",
    "fixtures/kit_cases",
  ]);
  assertEquals(
    [
      o.json,
      o.markdown,
      o.junit,
      o.filter?.text,
      o.layer,
      o.cases,
      o.list,
      o.help,
    ],
    [
      "reports/a.json",
      "reports/a.md",
      "reports/a.xml",
      "/^tcp-/",
      "wire",
      "fixtures/kit_cases",
      false,
      false,
    ],
  );
  assertEquals(parseKitArgs([]).cases, "cases");
  assertEquals(parseKitArgs(["-h"]).help, true);
  assertEquals(parseKitArgs(["--list"]).list, true);
});

Deno.test("parseKitArgs() rejects unknown flags and stray arguments", () => {
  assertThrows(
    () => parseKitArgs(["--colour"]),
    UsageError,
    "unknown flag --colour",
  );
  assertThrows(
    () => parseKitArgs(["--jsn=x"]),
    UsageError,
    "unknown flag --jsn",
  );
  assertThrows(
    () => parseKitArgs(["tcp-x"]),
    UsageError,
    'unexpected argument "tcp-x"',
  );
  assertThrows(
    () => parseKitArgs(["--list", "extra"]),
    UsageError,
    "unexpected argument",
  );
});

Deno.test("parseKitArgs() rejects missing values, unknown layers and shared output files", () => {
  assertThrows(
    () => parseKitArgs(["--json"]),
    UsageError,
    "--json needs a value",
  );
  assertThrows(
    () => parseKitArgs(["--filter", "--list"]),
    UsageError,
    "--filter needs a value",
  );
  assertThrows(
    () => parseKitArgs(["--layer", "kernel"]),
    UsageError,
    'unknown layer "kernel"',
  );
  assertThrows(
    () => parseKitArgs(["--json", "reports/a", "--junit", "reports/a"]),
    UsageError,
    "name the same file",
  );
});

Deno.test("parseFilter() selects an exact id alone, else every id containing the text", () => {
  const ids = ["tcp-fin-reads-zero", "tcp-fin-reads-zero-twice", "pipe-x"];
  const pick = (text: string) =>
    ids.filter((id) => parseFilter(text).matches(id, ids));
  assertEquals(pick("tcp-fin-reads-zero"), ["tcp-fin-reads-zero"]);
  assertEquals(pick("fin"), ["tcp-fin-reads-zero", "tcp-fin-reads-zero-twice"]);
  assertEquals(pick("/x$/"), ["pipe-x"]);
  assertEquals(pick("/TCP/i").length, 2);
});

Deno.test("parseFilter() rejects a broken regular expression", () => {
  assertThrows(
    () => parseFilter("/(/"),
    UsageError,
    "not a regular expression",
  );
});

Deno.test("parseFilter() rejects the stateful regex flags g and y", () => {
  // A /g or /y regex remembers lastIndex between test() calls, so reused
  // across ids it would skip some of them.
  for (const text of ["/tcp/g", "/tcp/y", "/tcp/gi"]) {
    assertThrows(
      () => parseFilter(text),
      UsageError,
      "flags g and y are not allowed",
    );
  }
  const ids = ["tcp-a", "tcp-b", "tcp-c"];
  const f = parseFilter("/tcp/i");
  assertEquals(ids.filter((id) => f.matches(id, ids)), ids);
});

Deno.test("parseKitArgs() rejects a repeated flag and arguments after --", () => {
  assertThrows(
    () => parseKitArgs(["--layer", "deno", "--layer", "wire"]),
    UsageError,
    "--layer given twice",
  );
  assertThrows(
    () => parseKitArgs(["--json=reports/a.json", "--json", "reports/b.json"]),
    UsageError,
    "--json given twice",
  );
  assertThrows(
    () => parseKitArgs(["--list", "--list"]),
    UsageError,
    "--list given twice",
  );
  assertThrows(
    () => parseKitArgs(["--list", "--", "x"]),
    UsageError,
    'unexpected argument "--"',
  );
  assertThrows(
    () => parseKitArgs(["--"]),
    UsageError,
    'unexpected argument "--"',
  );
});

Deno.test("parseKitArgs() rejects two outputs naming one file after normalisation", () => {
  assertThrows(
    () =>
      parseKitArgs([
        "--json",
        "reports/a.json",
        "--markdown",
        "./reports/a.json",
      ]),
    UsageError,
    "--json and --markdown name the same file",
  );
  assertThrows(
    () =>
      parseKitArgs([
        "--junit",
        "reports/x/../a.xml",
        "--json",
        "reports//a.xml",
      ]),
    UsageError,
    "--json and --junit name the same file",
  );
  assertThrows(
    () =>
      parseKitArgs([
        "--junit",
        `${Deno.cwd()}/reports/a.xml`,
        "--json",
        "reports/a.xml",
      ]),
    UsageError,
    "name the same file",
  );
  parseKitArgs(["--json", "reports/a.json", "--markdown", "reports/a.md"]);
});

Deno.test("parseKitArgs() reads --require and rejects unknown requirement names", () => {
  assertEquals(parseKitArgs([]).require, []);
  assertEquals(
    parseKitArgs(["--require", "helper,tcpdump,ipv6"]).require,
    ["helper", "tcpdump", "ipv6"],
  );
  assertEquals(parseKitArgs(["--require=helper, helper"]).require, ["helper"]);
  assertThrows(
    () => parseKitArgs(["--require", "helper,gcc"]),
    UsageError,
    '--require helper,gcc: unknown requirement "gcc"; requirements are helper, ipv6, linux, netns, posix, tcpdump',
  );
  assertThrows(
    () => parseKitArgs(["--require", "helper,,ipv6"]),
    UsageError,
    "an empty name",
  );
});

Deno.test("parseKitArgs() reads --runtime as a list of runtimes; an unknown one is a usage error", () => {
  assertEquals(parseKitArgs(["--runtime", "node,bun"]).runtimes, [
    "nodejs",
    "bun",
  ]);
  assertEquals(parseKitArgs([]).runtimes, undefined);
  assertThrows(
    () => parseKitArgs(["--runtime", "quickjs"]),
    UsageError,
    "unknown runtime",
  );
});

Deno.test("parseKitArgs() reads --jobs as 1 to 32 test processes; anything else is a usage error", () => {
  assertEquals(parseKitArgs(["--jobs", "3"]).jobs, 3);
  assertEquals(parseKitArgs([]).jobs, undefined);
  for (const bad of ["0", "33", "-1", "two", "1.5", ""]) {
    assertThrows(() => parseKitArgs([`--jobs=${bad}`]), UsageError, "--jobs");
  }
});
