/**
 * A wire trace as a Mermaid sequence diagram, for Markdown reports: client
 * and server lifelines, one arrow per segment. (The same segments as
 * tcpdump-style lines come from `wire_render.ts`.)
 *
 * @module
 */

import type { Trace } from "../wire/segment.ts";

/** `+0.041 ms`: a segment's time relative to the capture's first one. */
function at(t: number): string {
  return `+${t.toFixed(3)} ms`;
}

/** Mermaid gives `;` and `#` meanings inside message text. */
function mermaidText(text: string): string {
  return text.replace(/[#;]/g, (c) => c === "#" ? "#35;" : "#59;");
}

/**
 * A Mermaid `sequenceDiagram` of the trace (without the code fence): one
 * arrow per segment, labelled with flags, length and relative time.
 *
 * @example
 * ```ts
 * import { assertStringIncludes } from "@std/assert";
 * import { traceToMermaid } from "./trace.ts";
 * const m = traceToMermaid({ segments: [{ t: 0, from: "server", flags: "R", seq: 4, len: 0 }] });
 * assertStringIncludes(m, "S->>C: R len=0 +0.000 ms");
 * ```
 */
export function traceToMermaid(trace: Trace): string {
  const lines = [
    "sequenceDiagram",
    "  participant C as client",
    "  participant S as server",
  ];
  for (const s of trace.segments) {
    const arrow = s.from === "client" ? "C->>S" : "S->>C";
    lines.push(
      `  ${arrow}: ${mermaidText(`${s.flags} len=${s.len} ${at(s.t)}`)}`,
    );
  }
  if (trace.expected?.length) {
    lines.push(
      `  Note over C,S: expected ${mermaidText(trace.expected.join(", "))}`,
    );
  }
  return lines.join("\n");
}
