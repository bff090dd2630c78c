/**
 * Captured segments as plain tcpdump-style lines, for terminals, failure
 * messages and text reports:
 *
 * ```text
 *  0.000 ms client > server [S]  seq 0 len 0
 *  0.014 ms server > client [S.] seq 0 ack 1 len 0
 * ```
 *
 * @module
 */

import type { Segment } from "./segment.ts";

/**
 * One segment as a line: time since the connection's first segment,
 * direction, flags, relative seq and ack, payload length. `timeWidth` and
 * `flagWidth` pad the columns (see {@linkcode renderSegments}).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { renderSegment } from "./render.ts";
 * assertEquals(
 *   renderSegment({ t: 0.077, from: "server", flags: "P.", seq: 1, ack: 2, len: 3 }),
 *   "0.077 ms server > client [P.] seq 1:4 ack 2 len 3",
 * );
 * ```
 */
export function renderSegment(
  segment: Segment,
  timeWidth = 0,
  flagWidth = 0,
): string {
  const to = segment.from === "client" ? "server" : "client";
  const seq = segment.len
    ? `${segment.seq}:${segment.seq + segment.len}`
    : `${segment.seq}`;
  return [
    `${segment.t.toFixed(3).padStart(timeWidth)} ms`,
    `${segment.from} > ${to}`,
    `[${segment.flags}]`.padEnd(flagWidth + 2),
    `seq ${seq}`,
    ...(segment.ack === undefined ? [] : [`ack ${segment.ack}`]),
    `len ${segment.len}`,
  ].join(" ");
}

/**
 * Every segment, one line each, columns aligned.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { renderSegments } from "./render.ts";
 * assertEquals(
 *   renderSegments([
 *     { t: 0, from: "client", flags: "S", seq: 0, len: 0 },
 *     { t: 0.014, from: "server", flags: "S.", seq: 0, ack: 1, len: 0 },
 *   ]),
 *   "0.000 ms client > server [S]  seq 0 len 0\n" +
 *     "0.014 ms server > client [S.] seq 0 ack 1 len 0",
 * );
 * ```
 */
export function renderSegments(segments: readonly Segment[]): string {
  const timeWidth = Math.max(0, ...segments.map((s) => s.t.toFixed(3).length));
  const flagWidth = Math.max(0, ...segments.map((s) => s.flags.length));
  return segments.map((s) => renderSegment(s, timeWidth, flagWidth)).join(
    "\n",
  );
}
