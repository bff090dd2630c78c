/**
 * Expected wire sequences: a notation for them, and a matcher that
 * tolerates what legitimately varies between runs and nothing else.
 *
 * ## Notation
 *
 * A sequence is the segments of one connection in the order they cross the
 * wire, separated by spaces, each written `<side>:<flags>[(<bytes>)]`:
 *
 * - `<side>` is `c` (the connecting end, the client) or `s` (the listening
 *   end, the server);
 * - `<flags>` is tcpdump's notation: `S` SYN, `F` FIN, `R` RST, `P` PSH,
 *   `U` URG, `E` ECE, `W` CWR, and `.` for the ACK bit (`S.` is a SYN-ACK,
 *   `.` a pure ACK, `R.` an RST with ACK);
 * - `(<bytes>)` is the payload length, as in packetdrill's `1:4(3)`;
 *   without it the segment carries no payload.
 *
 * The seed's trace of a write after the peer's close() reads:
 *
 * ```text
 * c:S s:S. c:. c:F. s:. s:P.(3) c:R
 * ```
 *
 * (client SYN, server SYN-ACK, client ACK, client FIN, server ACK of the
 * FIN, server PSH with 3 bytes, client RST).
 *
 * ## What the matcher tolerates
 *
 * - **an extra pure ACK** (`.` with no payload) from either side, anywhere:
 *   window updates, duplicate ACKs, an ACK the expectation did not write;
 * - **a missing pure ACK** when the same side's next segment carries the
 *   ACK bit: delayed ACK merged it (a FIN's ACK riding on the data that
 *   follows it, `s:. s:P.(3)` seen as `s:P.(3)`);
 * - **a retransmission**: a segment that repeats an earlier one of the same
 *   side exactly (flags, sequence number, length), which the kernel sends
 *   when an answer is late (tail loss probe, RTO). The observation marks it
 *   with `*` (`s:P.(3)*`), so it stays visible in the report;
 * - **a repeated RST**: once a side has sent an RST its connection is gone,
 *   and every stray segment of the other side that still arrives (a late
 *   ACK, a retransmission) draws another RST (RFC 9293 §3.10.7.1); only as
 *   many repeats as there are such strays after the segment that drew the
 *   first RST.
 *
 * Nothing else varies: flags must be equal (as sets of letters), payload
 * lengths equal, the order as written, and no segment may be added or left
 * out, so an extra or missing SYN, FIN, RST or data segment fails.
 *
 * @module
 */

import type { Segment } from "./segment.ts";

/** One segment of a sequence: who sent it, its flags, its payload length. */
export interface WireToken {
  /** The sender. */
  from: "client" | "server";
  /** tcpdump's flag notation, e.g. `P.`. */
  flags: string;
  /** Payload bytes. */
  len: number;
  /** A retransmission of an earlier segment of the same side (`*`). */
  rtx?: boolean;
}

const TOKEN = /^([cs]):([SFRPUEWe.]+)(?:\((\d+)\))?(\*)?$/;

/**
 * Parses one token, e.g. `s:P.(3)`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseToken } from "./sequence.ts";
 * assertEquals(parseToken("s:P.(3)"), { from: "server", flags: "P.", len: 3 });
 * ```
 */
export function parseToken(text: string): WireToken {
  const m = TOKEN.exec(text);
  if (!m) {
    throw new SyntaxError(
      `not a wire token: ${
        JSON.stringify(text)
      } (expected <c|s>:<flags>[(<bytes>)], e.g. s:P.(3))`,
    );
  }
  return {
    from: m[1] === "c" ? "client" : "server",
    flags: m[2],
    len: m[3] === undefined ? 0 : Number(m[3]),
    ...(m[4] ? { rtx: true } : {}),
  };
}

/**
 * Parses a sequence such as `"c:S s:S. c:. c:F. s:. s:P.(3) c:R"`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseSequence } from "./sequence.ts";
 * assertEquals(parseSequence("c:S s:S.").map((t) => t.flags), ["S", "S."]);
 * ```
 */
export function parseSequence(text: string): WireToken[] {
  return text.trim().split(/\s+/).filter((w) => w).map(parseToken);
}

/**
 * Writes one token: `s:P.(3)`, `c:R`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { formatToken } from "./sequence.ts";
 * assertEquals(formatToken({ from: "client", flags: "F.", len: 0 }), "c:F.");
 * ```
 */
export function formatToken(token: WireToken): string {
  return `${token.from === "client" ? "c" : "s"}:${token.flags}${
    token.len ? `(${token.len})` : ""
  }${token.rtx ? "*" : ""}`;
}

/**
 * The segments as tokens, each marked `rtx` when it repeats an earlier
 * segment of the same side that occupies sequence space (data, SYN or FIN)
 * with the same flags, sequence number and length: a retransmission.
 */
export function tokensOf(
  segments: readonly Segment[],
): (WireToken & { t: number })[] {
  const sent = new Set<string>();
  return segments.map((s) => {
    const occupies = s.len > 0 || /[SF]/.test(s.flags);
    const key = `${s.from}|${s.flags}|${s.seq}|${s.len}`;
    const rtx = occupies && sent.has(key);
    if (occupies) sent.add(key);
    return {
      from: s.from,
      flags: s.flags,
      len: s.len,
      t: s.t,
      ...(rtx ? { rtx: true } : {}),
    };
  });
}

/**
 * A captured connection in the notation, as the observation a wire step
 * records: `"c:S s:S. c:. c:F. s:P.(3) c:R"`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { sequenceOf } from "./sequence.ts";
 * assertEquals(
 *   sequenceOf([{ t: 0, from: "client", flags: "S", seq: 0, len: 0 }]),
 *   "c:S",
 * );
 * ```
 */
export function sequenceOf(segments: readonly Segment[]): string {
  return tokensOf(segments).map(formatToken).join(" ");
}

function sameFlags(a: string, b: string): boolean {
  return [...a].sort().join("") === [...b].sort().join("");
}

/** Whether a token (or segment) is the one an expected token describes. */
export function tokenMatches(expected: WireToken, seen: WireToken): boolean {
  return expected.from === seen.from && expected.len === seen.len &&
    sameFlags(expected.flags, seen.flags);
}

function isPureAck(t: WireToken): boolean {
  return t.flags === "." && t.len === 0;
}

/** How one row of an alignment was judged. */
export type RowVerdict =
  | "match"
  | "extra ACK (tolerated)"
  | "ACK carried by the next segment (tolerated)"
  | "retransmission (tolerated)"
  | "repeated RST (tolerated)"
  | "missing"
  | "unexpected"
  | "differs";

/** One row of an expected/captured alignment. */
export interface AlignedRow {
  /** The expected token, if this row has one. */
  expected?: string;
  /** The captured token, if this row has one. */
  captured?: string;
  /** The captured segment's time (ms), when segments were given. */
  t?: number;
  /** The verdict on this row. */
  verdict: RowVerdict;
}

/** The result of matching a capture against one expected sequence. */
export interface SequenceMatch {
  /** Whether the capture is the expected sequence, up to the tolerances. */
  ok: boolean;
  /** The expected sequence as written. */
  expected: string;
  /** The captured sequence in the notation. */
  captured: string;
  /** The alignment, row by row (the closest one when it does not match). */
  rows: AlignedRow[];
}

/**
 * Matches a captured connection (segments, or a sequence in the notation)
 * against an expected sequence, with the tolerances of this module. When
 * it does not match, `rows` is the closest alignment, with the rows that
 * differ marked `missing`, `unexpected` or `differs`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { matchSequence } from "./sequence.ts";
 * const seed = "c:S s:S. c:. c:F. s:. s:P.(3) c:R";
 * // The server's ACK of the FIN rode on its data: tolerated.
 * assertEquals(matchSequence(seed, "c:S s:S. c:. c:F. s:P.(3) c:R").ok, true);
 * // A FIN where the RST should be: not tolerated.
 * assertEquals(matchSequence(seed, "c:S s:S. c:. c:F. s:P.(3) c:F.").ok, false);
 * ```
 */
export function matchSequence(
  expected: string,
  captured: readonly Segment[] | string,
): SequenceMatch {
  const want = parseSequence(expected);
  const seen: (WireToken & { t?: number })[] = typeof captured === "string"
    ? parseSequence(captured)
    : tokensOf(captured);
  const n = want.length;
  const m = seen.length;
  // carried[i][j]: the expected pure ACK want[i] may be left out at seen[j],
  // because its side's next captured segment carries the ACK bit.
  const carried = (i: number, j: number): boolean => {
    if (!isPureAck(want[i])) return false;
    const next = seen.slice(j).find((t) => t.from === want[i].from);
    return next !== undefined && next.flags.includes(".");
  };
  // resetBefore[j]: seen[j] repeats an RST, and some stray segment from the
  // other side, sent after the one that drew the first RST, explains it.
  const resetBefore = seen.map((t, j) => {
    if (!t.flags.includes("R")) return false;
    const earlier = seen.slice(0, j).flatMap((u, i) =>
      u.from === t.from && u.flags.includes("R") ? [i] : []
    );
    if (earlier.length === 0) return false;
    let trigger = earlier[0] - 1;
    while (
      trigger >= 0 &&
      (seen[trigger].from === t.from || isPureAck(seen[trigger]))
    ) trigger--;
    const strays = seen.slice(trigger + 1, j).filter((u) => u.from !== t.from);
    return strays.length >= earlier.length;
  });
  // cost[i][j]: fewest untolerated differences aligning want[i:] to seen[j:].
  const cost = Array.from({ length: n + 1 }, () => new Array(m + 1).fill(0));
  const step = Array.from(
    { length: n + 1 },
    () => new Array<RowVerdict | "">(m + 1).fill(""),
  );
  for (let i = n; i >= 0; i--) {
    for (let j = m; j >= 0; j--) {
      if (i === n && j === m) continue;
      const options: [number, RowVerdict][] = [];
      if (i < n && j < m) {
        if (!seen[j].rtx && tokenMatches(want[i], seen[j])) {
          options.push([cost[i + 1][j + 1], "match"]);
        } else if (
          // Shown side by side only when it reads as one segment changed.
          want[i].from === seen[j].from && !isPureAck(want[i]) &&
          !isPureAck(seen[j])
        ) {
          options.push([cost[i + 1][j + 1] + 1, "differs"]);
        }
      }
      if (j < m && isPureAck(seen[j])) {
        options.push([cost[i][j + 1], "extra ACK (tolerated)"]);
      }
      if (j < m && seen[j].rtx) {
        options.push([cost[i][j + 1], "retransmission (tolerated)"]);
      }
      if (j < m && resetBefore[j]) {
        options.push([cost[i][j + 1], "repeated RST (tolerated)"]);
      }
      if (i < n && carried(i, j)) {
        options.push([
          cost[i + 1][j],
          "ACK carried by the next segment (tolerated)",
        ]);
      }
      if (j < m) options.push([cost[i][j + 1] + 1, "unexpected"]);
      if (i < n) options.push([cost[i + 1][j] + 1, "missing"]);
      // The first cheapest option wins: a match before a tolerance before
      // an error.
      const best = options.reduce((a, b) => b[0] < a[0] ? b : a);
      cost[i][j] = best[0];
      step[i][j] = best[1];
    }
  }
  const rows: AlignedRow[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    const verdict = step[i][j] as RowVerdict;
    const row: AlignedRow = { verdict };
    const takesExpected = verdict === "match" || verdict === "differs" ||
      verdict === "missing" ||
      verdict === "ACK carried by the next segment (tolerated)";
    const takesCaptured = verdict === "match" || verdict === "differs" ||
      verdict === "unexpected" || verdict === "extra ACK (tolerated)" ||
      verdict === "retransmission (tolerated)" ||
      verdict === "repeated RST (tolerated)";
    if (takesExpected) row.expected = formatToken(want[i++]);
    if (takesCaptured) {
      row.captured = formatToken(seen[j]);
      if (seen[j].t !== undefined) row.t = seen[j].t;
      j++;
    }
    rows.push(row);
  }
  return {
    ok: cost[0][0] === 0,
    expected: want.map(formatToken).join(" "),
    captured: seen.map(formatToken).join(" "),
    rows,
  };
}

/**
 * Whether an observed sequence (in the notation) is one an expectation
 * accepts; the comparison expectations marked `compare: "wire"` use.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { wireMatches } from "./sequence.ts";
 * assertEquals(wireMatches("c:S s:S. c:.", "c:S s:S. c:. s:."), true);
 * ```
 */
export function wireMatches(expected: string, observed: string): boolean {
  return matchSequence(expected, observed).ok;
}

/**
 * The alignment as a side-by-side table, for failure messages and reports:
 *
 * ```text
 *   expected  captured  t (ms)
 *   c:S       c:S        0.000
 *   s:.       ·                  ACK carried by the next segment (tolerated)
 *   c:R       c:F.       0.085   ✗ differs
 * ```
 *
 * @example
 * ```ts
 * import { assertStringIncludes } from "@std/assert";
 * import { matchSequence, sideBySide } from "./sequence.ts";
 * const table = sideBySide(matchSequence("c:S c:R", "c:S c:F."));
 * assertStringIncludes(table, "✗ differs");
 * ```
 */
export function sideBySide(match: SequenceMatch): string {
  const width = (key: "expected" | "captured", title: string) =>
    Math.max(title.length, ...match.rows.map((r) => (r[key] ?? "·").length));
  const we = width("expected", "expected");
  const wc = width("captured", "captured");
  const lines = [
    `${"expected".padEnd(we)}  ${"captured".padEnd(wc)}  ${
      "t (ms)".padStart(9)
    }`,
  ];
  for (const row of match.rows) {
    const note = row.verdict === "match"
      ? ""
      : row.verdict.endsWith("(tolerated)")
      ? `  ${row.verdict}`
      : `  ✗ ${row.verdict}`;
    const t = row.t === undefined ? "" : row.t.toFixed(3);
    lines.push(
      `${(row.expected ?? "·").padEnd(we)}  ${
        (row.captured ?? "·").padEnd(wc)
      }  ${t.padStart(9)}${note}`.trimEnd(),
    );
  }
  return lines.join("\n");
}
