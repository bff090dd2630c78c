import { assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import type { PlatformTable } from "../expectations/mod.ts";
import type { Platform } from "../platform/platform.ts";
import { ExpectationFailure, Scenario } from "./scenario.ts";

const linux: Platform = {
  os: "linux",
  kernel: "6.1.0-56-amd64",
  arch: "x86_64",
  deno: "2.9.6",
  v8: "",
};

const table: PlatformTable = {
  "demo-case": {
    syscall: {
      "server write() #2": { expect: "-1 EPIPE", source: "write(2)" },
      "pending read": {
        expect: "null",
        source: "what should happen",
        knownDeviation: {
          observed: "BadResource",
          issue: "https://example.invalid/issue/1",
        },
      },
    },
  },
};
const scenario = () =>
  new Scenario("demo-case", "syscall", linux, { linux: table });

Deno.test("Scenario.check() passes and records a matching observation", () => {
  const s = scenario();
  s.check("server write() #2", "-1 EPIPE");
  assertEquals(s.steps[0].status, "passed");
  assertEquals(s.steps[0].source, "write(2)");
});

Deno.test("Scenario.check() fails with expected, observed, step and kernel", () => {
  const s = scenario();
  const e = assertThrows(
    () => s.check("server write() #2", "3", "wrote 3 bytes"),
    ExpectationFailure,
  );
  assertStringIncludes(
    e.message,
    'demo-case [syscall], step "server write() #2"',
  );
  assertStringIncludes(e.message, "expected: -1 EPIPE");
  assertStringIncludes(e.message, "observed: 3  (wrote 3 bytes)");
  assertStringIncludes(e.message, "linux 6.1.0-56-amd64");
  assertEquals(s.steps[0].status, "failed");
});

Deno.test("Scenario.check() records a step with no expectation as unjudged", () => {
  const s = scenario();
  s.check("server read()", "0");
  assertEquals([s.steps[0].status, s.steps[0].expected], [
    "unjudged",
    undefined,
  ]);
  const darwin = new Scenario("demo-case", "syscall", {
    ...linux,
    os: "darwin",
  }, { linux: table });
  darwin.check("server write() #2", "-1 EPIPE");
  assertEquals(darwin.steps[0].status, "unjudged");
});

Deno.test("Scenario.check() reports a known deviation, and its fix as outdated", () => {
  const s = scenario();
  s.check("pending read", "BadResource");
  assertEquals([s.steps[0].status, s.steps[0].issue], [
    "known-deviation",
    "https://example.invalid/issue/1",
  ]);
  // Seeing the expected behaviour means the deviation was fixed: the entry is
  // out of date, and that fails so somebody updates it.
  assertThrows(
    () => s.check("pending read", "null"),
    ExpectationFailure,
    "expectation outdated",
  );
  assertThrows(
    () => s.check("pending read", "Interrupted EINTR"),
    ExpectationFailure,
    "known deviation recorded",
  );
});
