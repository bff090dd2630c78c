import { assertEquals, assertStringIncludes } from "@std/assert";
import { segmentLabel, segmentName, traceToMermaid } from "./trace.ts";
import type { Segment } from "../wire/segment.ts";

// The seed's story as captured on this machine (fixtures/captures), the
// server's ACK of the FIN riding on its data.
const seed: Segment[] = [
  { t: 0, from: "client", flags: "S", seq: 0, len: 0 },
  { t: 0.009, from: "server", flags: "S.", seq: 0, ack: 1, len: 0 },
  { t: 0.018, from: "client", flags: ".", seq: 1, ack: 1, len: 0 },
  { t: 1.072, from: "client", flags: "F.", seq: 1, ack: 1, len: 0 },
  { t: 1.78, from: "server", flags: "P.", seq: 1, ack: 2, len: 3 },
  { t: 1.785, from: "client", flags: "R", seq: 2, len: 0 },
];
const expected = ["c:S", "s:S.", "c:.", "c:F.", "s:.", "s:P.(3)", "c:R"];

Deno.test("segmentName() names every kind of segment in words", () => {
  assertEquals(
    [
      { flags: "S", len: 0 },
      { flags: "S.", len: 0 },
      { flags: ".", len: 0 },
      { flags: "F.", len: 0 },
      { flags: "R", len: 0 },
      { flags: "R.", len: 0 },
      { flags: "P.", len: 5 },
      { flags: "FP.", len: 1 },
    ].map(segmentName),
    [
      "SYN",
      "SYN-ACK",
      "ACK",
      "FIN-ACK",
      "RST",
      "RST-ACK",
      "data 5 bytes (PSH-ACK)",
      "data 1 byte (PSH-FIN-ACK)",
    ],
  );
});

Deno.test("segmentLabel() gives relative seq (a range for data), ack and time", () => {
  assertEquals(
    segmentLabel(seed[1]),
    "SYN-ACK seq=0 ack=1 +0.009 ms",
  );
  assertEquals(segmentLabel(seed[5]), "RST seq=2 +1.785 ms");
});

Deno.test("traceToMermaid() draws one labelled arrow per segment and the expectation wrapped", () => {
  const m = traceToMermaid({ segments: seed, expected });
  assertEquals(m.split("\n"), [
    "sequenceDiagram",
    "  participant C as client",
    "  participant S as server",
    "  C->>S: SYN seq=0 +0.000 ms",
    "  S->>C: SYN-ACK seq=0 ack=1 +0.009 ms",
    "  C->>S: ACK seq=1 ack=1 +0.018 ms",
    "  C->>S: FIN-ACK seq=1 ack=1 +1.072 ms",
    "  S->>C: data 3 bytes (PSH-ACK) seq=1..4 ack=2 +1.780 ms",
    "  C->>S: RST seq=2 +1.785 ms",
    "  Note over C,S: as expected: c:S s:S. c:. c:F. s:.<br/>s:P.(3) c:R",
  ]);
});

Deno.test("traceToMermaid() marks the segment that differs and says what was expected", () => {
  // The fixture's failure: the client answered with R. where R was expected.
  const segments = seed.map((s, i) =>
    i === 5 ? { ...s, flags: "R.", ack: 4 } : s
  );
  const m = traceToMermaid({ segments, expected }).split("\n");
  assertEquals(m.slice(8), [
    "  C->>S: ✗ RST-ACK seq=2 ack=4 +1.785 ms",
    "  Note right of C: ✗ expected c:R here",
    "  Note over C,S: expected: c:S s:S. c:. c:F. s:.<br/>s:P.(3) c:R",
  ]);
});

Deno.test("traceToMermaid() notes a missing and an unexpected segment", () => {
  const m = traceToMermaid({
    segments: [seed[0], seed[1], seed[2], { ...seed[4], flags: "F." }],
    expected: ["c:S", "s:S.", "c:.", "c:R"],
  });
  assertStringIncludes(m, "Note over C,S: ✗ missing here: expected c:R");
  assertStringIncludes(m, "S->>C: ✗ data 3 bytes (FIN-ACK)");
  assertStringIncludes(m, "Note right of S: ✗ not expected");
});

Deno.test("traceToMermaid() escapes the characters Mermaid reads in messages", () => {
  const m = traceToMermaid({
    segments: [{ t: 0, from: "client", flags: "#;", seq: 0, len: 0 }],
  });
  assertEquals(m.split("\n")[3], "  C->>S: [#35;#59;] seq=0 +0.000 ms");
});
