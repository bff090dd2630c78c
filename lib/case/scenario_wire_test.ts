import { assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import type { CaptureResult } from "../wire/capture.ts";
import {
  type Expectation,
  matches,
  type PlatformTable,
} from "../expectations/mod.ts";
import type { Platform } from "../platform/platform.ts";
import { ExpectationFailure, Scenario } from "./scenario.ts";
import { connectionsOf, parseTcpdumpText } from "../wire/tcpdump_text.ts";

const linux: Platform = {
  os: "linux",
  kernel: "6.18.44",
  arch: "x86_64",
  deno: "2.9.6",
  v8: "",
};

const table: PlatformTable = {
  "demo-case": {
    wire: {
      segments: {
        expect: "c:S s:S. c:. c:F. s:. s:P.(3) c:R",
        compare: "wire",
        source: "the seed's trace",
      },
      "segments, R. expected": {
        expect: "c:S s:S. c:. c:F. s:. s:P.(3) c:R.",
        compare: "wire",
        source: "an inverted expectation",
      },
      "segments, compared exactly": {
        expect: "c:S s:S. c:. c:F. s:. s:P.(3) c:R",
        source: "a table entry that forgot compare",
      },
    },
  },
};

const scenario = () =>
  new Scenario("demo-case", "wire", linux, { linux: table });

/** The recorded seed capture whose FIN ACK rode on the data. */
async function recorded(): Promise<CaptureResult> {
  const lines = (await Deno.readTextFile(
    new URL(
      "../../fixtures/captures/tcp-write-after-peer-close.ipv4.txt",
      import.meta.url,
    ),
  )).trimEnd().split("\n");
  const connections = connectionsOf(parseTcpdumpText(lines.join("\n")));
  return {
    segments: connections[0].segments,
    connections,
    lines,
    description: "tcpdump -i lo ... (recorded)",
    startup: { listeningMs: 10, readyMs: 11, probes: 1 },
  };
}

const capture = await recorded();

Deno.test("Scenario.checkSegments() passes a capture that differs only by a merged ACK", () => {
  const s = scenario();
  s.checkSegments("segments", capture);
  const [step] = s.steps;
  assertEquals(
    [step.status, step.observed],
    ["passed", "c:S s:S. c:. c:F. s:P.(3) c:R"],
  );
  assertStringIncludes(
    step.detail!,
    "s:.       ·                    ACK carried by the next segment (tolerated)",
  );
  assertEquals(s.trace?.expected, [
    "c:S",
    "s:S.",
    "c:.",
    "c:F.",
    "s:.",
    "s:P.(3)",
    "c:R",
  ]);
  assertEquals(s.trace?.segments.length, 6);
  assertEquals(s.trace?.capture, "tcpdump -i lo ... (recorded)");
});

Deno.test("Scenario.checkSegments() fails with both sequences side by side, trace kept", () => {
  const s = scenario();
  const e = assertThrows(
    () => s.checkSegments("segments, R. expected", capture),
    ExpectationFailure,
  );
  assertStringIncludes(
    e.message,
    "expected: c:S s:S. c:. c:F. s:. s:P.(3) c:R.",
  );
  assertStringIncludes(e.message, "observed: c:S s:S. c:. c:F. s:P.(3) c:R\n");
  assertStringIncludes(
    e.message,
    "    c:R.      c:R           1.749  ✗ differs",
  );
  assertEquals(s.steps[0].status, "failed");
  assertEquals(s.trace?.expected?.at(-1), "c:R.");
});
Deno.test("Scenario.checkSegments() refuses an expectation not marked compare: wire", () => {
  const e = assertThrows(
    () => scenario().checkSegments("segments, compared exactly", capture),
    Error,
  );
  assertStringIncludes(e.message, 'add compare: "wire"');
});

Deno.test("Scenario.checkSegments() shows the segments of an unjudged capture", () => {
  const s = scenario();
  s.checkSegments("segments nobody expects", capture);
  assertEquals(s.steps[0].status, "unjudged");
  assertStringIncludes(
    s.steps[0].detail!,
    "1.749 ms client > server [R]  seq 2 len 0",
  );
});

Deno.test("Scenario.skip() records a skipped step with its reason", () => {
  const s = scenario();
  s.skip("segments (::1)", "IPv6 loopback unavailable");
  assertEquals(s.steps, [{
    step: "segments (::1)",
    observed: "IPv6 loopback unavailable",
    status: "skipped",
  }]);
});

Deno.test("matches() compares wire expectations with the tolerant matcher, others exactly", () => {
  const wire: Expectation = {
    expect: ["c:S s:S. c:. c:R.", "c:S s:S. c:. c:F."],
    compare: "wire",
    source: "test",
  };
  assertEquals(matches(wire, "c:S s:S. c:. s:. c:F."), true);
  assertEquals(matches(wire, "c:S s:S. c:. c:R"), false);
  assertEquals(
    matches({ ...wire, compare: undefined }, "c:S s:S. c:. s:. c:F."),
    false,
  );
});
