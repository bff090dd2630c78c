import { assertEquals } from "@std/assert";
import { traceToMermaid } from "./trace.ts";

Deno.test("traceToMermaid() draws one arrow per segment between client and server", () => {
  const m = traceToMermaid({
    segments: [
      { t: 0, from: "client", flags: "S", seq: 0, len: 0 },
      { t: 0.0085, from: "server", flags: "S.", seq: 0, ack: 1, len: 0 },
      { t: 2.494, from: "server", flags: "P.", seq: 1, ack: 2, len: 3 },
    ],
    expected: ["c:S", "s:S.", "s:P.(3)"],
  });
  assertEquals(m.split("\n"), [
    "sequenceDiagram",
    "  participant C as client",
    "  participant S as server",
    "  C->>S: S len=0 +0.000 ms",
    "  S->>C: S. len=0 +0.009 ms",
    "  S->>C: P. len=3 +2.494 ms",
    "  Note over C,S: expected c:S, s:S., s:P.(3)",
  ]);
});

Deno.test("traceToMermaid() escapes the characters Mermaid reads in messages", () => {
  const m = traceToMermaid({
    segments: [{ t: 0, from: "client", flags: "#;", seq: 0, len: 0 }],
  });
  assertEquals(m.split("\n")[3], "  C->>S: #35;#59; len=0 +0.000 ms");
});
