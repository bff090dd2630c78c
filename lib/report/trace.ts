/**
 * A wire trace as a Mermaid sequence diagram, for Markdown reports: client
 * and server lifelines, one arrow per segment saying what it is (SYN,
 * SYN-ACK, ACK, FIN, RST, data N bytes) with its relative seq/ack and time,
 * the segments that differ from the expectation marked, and the expected
 * sequence in a note wrapped to stay inside its box. (The same segments as
 * tcpdump-style lines come from `wire/render.ts`.)
 *
 * @module
 */

import type { Segment, Trace } from "../wire/segment.ts";
import { matchSequence, type SequenceMatch } from "../wire/sequence.ts";

/** `+0.041 ms`: a segment's time relative to the capture's first one. */
function at(t: number): string {
  return `+${t.toFixed(3)} ms`;
}

/** Mermaid gives `;` and `#` meanings inside message text. */
function mermaidText(text: string): string {
  return text.replace(/[#;]/g, (c) => c === "#" ? "#35;" : "#59;");
}

/**
 * What a segment is, in words: `SYN`, `SYN-ACK`, `ACK`, `FIN-ACK`, `RST`,
 * `RST-ACK`, `data 3 bytes` (with `PSH`/`FIN` named when set).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { segmentName } from "./trace.ts";
 * assertEquals(segmentName({ flags: "S.", len: 0 }), "SYN-ACK");
 * assertEquals(segmentName({ flags: "P.", len: 3 }), "data 3 bytes (PSH-ACK)");
 * assertEquals(segmentName({ flags: ".", len: 0 }), "ACK");
 * assertEquals(segmentName({ flags: "R", len: 0 }), "RST");
 * ```
 */
export function segmentName(s: Pick<Segment, "flags" | "len">): string {
  const has = (c: string) => s.flags.includes(c);
  const control = [
    has("S") ? "SYN" : "",
    has("F") ? "FIN" : "",
    has("R") ? "RST" : "",
  ].filter((x) => x);
  const withAck = (names: string[]) =>
    has(".") ? [...names, "ACK"].join("-") : names.join("-");
  if (s.len > 0) {
    const flags = withAck([...(has("P") ? ["PSH"] : []), ...control]);
    return `data ${s.len} byte${s.len === 1 ? "" : "s"}${
      flags ? ` (${flags})` : ""
    }`;
  }
  if (control.length === 0) return has(".") ? "ACK" : `[${s.flags}]`;
  return withAck(control);
}

/**
 * A segment's arrow label: what it is, relative seq (a range when it
 * carries data) and ack, time since the capture's first segment.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { segmentLabel } from "./trace.ts";
 * assertEquals(
 *   segmentLabel({ t: 1.78, from: "server", flags: "P.", seq: 1, ack: 2, len: 3 }),
 *   "data 3 bytes (PSH-ACK) seq=1..4 ack=2 +1.780 ms",
 * );
 * ```
 */
export function segmentLabel(s: Segment): string {
  const seq = s.len > 0 ? `${s.seq}..${s.seq + s.len}` : `${s.seq}`;
  return `${segmentName(s)} seq=${seq}${
    s.ack === undefined ? "" : ` ack=${s.ack}`
  } ${at(s.t)}`;
}

/** Splits words into lines of at most `width` characters. */
function wrapWords(words: string[], width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const w of words) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else {
      line = line ? `${line} ${w}` : w;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * How the captured segments compare with the trace's expectation, or
 * `undefined` when it has none.
 */
export function traceMatch(trace: Trace): SequenceMatch | undefined {
  if (!trace.expected?.length) return undefined;
  try {
    return matchSequence(trace.expected.join(" "), trace.segments);
  } catch {
    return undefined; // an expectation the notation cannot read
  }
}

/**
 * A Mermaid `sequenceDiagram` of the trace (without the code fence): one
 * arrow per segment, labelled with {@linkcode segmentLabel}. A segment the
 * expectation did not allow is marked `✗` and followed by a note saying
 * what was expected there; an expected segment that never came gets a
 * note too. The expected sequence closes the diagram in a note of a few
 * segments per line.
 *
 * @example
 * ```ts
 * import { assertStringIncludes } from "@std/assert";
 * import { traceToMermaid } from "./trace.ts";
 * const m = traceToMermaid({ segments: [{ t: 0, from: "server", flags: "R", seq: 4, len: 0 }] });
 * assertStringIncludes(m, "S->>C: RST seq=4 +0.000 ms");
 * ```
 */
export function traceToMermaid(trace: Trace): string {
  const lines = [
    "sequenceDiagram",
    "  participant C as client",
    "  participant S as server",
  ];
  const match = traceMatch(trace);
  // The verdicts of the captured segments in order, and what was expected
  // at each one (or went missing just before it).
  const verdicts: { verdict: string; expected?: string }[] = [];
  const missingBefore = new Map<number, string[]>();
  if (match) {
    for (const row of match.rows) {
      if (row.captured !== undefined) {
        verdicts.push({ verdict: row.verdict, expected: row.expected });
      } else if (row.verdict === "missing" && row.expected) {
        const at = verdicts.length;
        missingBefore.set(at, [...(missingBefore.get(at) ?? []), row.expected]);
      }
    }
  }
  const missingNote = (i: number) => {
    const missing = missingBefore.get(i);
    if (missing) {
      lines.push(
        `  Note over C,S: ✗ missing here: expected ${
          mermaidText(missing.join(" "))
        }`,
      );
    }
  };
  trace.segments.forEach((s, i) => {
    missingNote(i);
    const arrow = s.from === "client" ? "C->>S" : "S->>C";
    const v = verdicts[i];
    const bad = v?.verdict === "differs" || v?.verdict === "unexpected";
    lines.push(
      `  ${arrow}: ${mermaidText(`${bad ? "✗ " : ""}${segmentLabel(s)}`)}`,
    );
    if (bad) {
      const over = s.from === "client" ? "C" : "S";
      lines.push(
        `  Note right of ${over}: ${
          v.verdict === "differs"
            ? `✗ expected ${mermaidText(v.expected ?? "")} here`
            : "✗ not expected"
        }`,
      );
    }
  });
  missingNote(trace.segments.length);
  if (trace.expected?.length) {
    const wrapped = wrapWords(
      trace.expected.map(mermaidText),
      24,
    );
    lines.push(
      `  Note over C,S: ${
        match ? (match.ok ? "as expected: " : "expected: ") : "expected: "
      }${wrapped.join("<br/>")}`,
    );
  }
  return lines.join("\n");
}
