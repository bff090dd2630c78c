/**
 * Why rows were skipped, in brief: a run that skipped most of its rows must
 * say so where it is read (the closing line, the comparison matrix), not
 * only row by row.
 *
 * @module
 */

import { type ReportCase, rowNote } from "./report.ts";

/** The longest a reason is shown in a summary (characters). */
const REASON_WIDTH = 80;

function shorten(text: string): string {
  return text.length <= REASON_WIDTH
    ? text
    : `${text.slice(0, REASON_WIDTH - 1).trimEnd()}…`;
}

/**
 * The most frequent skip reasons of `cases`, most frequent first (ties in
 * order of first appearance): `2 × tcpdump is not installed; 1 × IPv6
 * loopback unavailable`, then `+N more` for the rest; empty when nothing
 * was skipped.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { topSkipReasons } from "./skips.ts";
 * const skipped = (reason: string) => ({ status: "skipped" as const, reason });
 * assertEquals(
 *   topSkipReasons([skipped("no tcpdump"), skipped("no ipv6"), skipped("no tcpdump")]),
 *   "2 × no tcpdump; 1 × no ipv6",
 * );
 * ```
 */
export function topSkipReasons(
  cases: readonly Pick<ReportCase, "status" | "reason">[],
  top = 3,
): string {
  const counts = new Map<string, number>();
  for (const c of cases) {
    if (c.status !== "skipped") continue;
    const why = rowNote({ status: "skipped", reason: c.reason }) ||
      "no reason given";
    counts.set(why, (counts.get(why) ?? 0) + 1);
  }
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  const shown = sorted.slice(0, top).map(([why, n]) =>
    `${n} × ${shorten(why)}`
  );
  const rest = sorted.length - top;
  return [...shown, ...(rest > 0 ? [`+${rest} more`] : [])].join("; ");
}

/**
 * Whether most rows (more than half) were skipped: a run that checked
 * little, however green it looks.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { mostlySkipped } from "./skips.ts";
 * assertEquals(mostlySkipped([{ status: "skipped" }, { status: "passed" }]), false);
 * assertEquals(mostlySkipped([{ status: "skipped" }, { status: "skipped" }, { status: "passed" }]), true);
 * ```
 */
export function mostlySkipped(
  cases: readonly Pick<ReportCase, "status">[],
): boolean {
  const skipped = cases.filter((c) => c.status === "skipped").length;
  return skipped * 2 > cases.length;
}
