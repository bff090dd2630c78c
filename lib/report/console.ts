/**
 * The kit's terminal output: a header naming the machine, then one row per
 * case and layer (status, id, layer, RST timing, and for failed, deviating,
 * unjudged or skipped rows a few words on why), then the counts. Colours
 * come from `@std/fmt/colors`; the caller turns them off for `NO_COLOR` or
 * a non-terminal stdout.
 *
 * @module
 */

import { bold, cyan, gray, green, red, yellow } from "@std/fmt/colors";
import type { Environment } from "./environment.ts";
import type { Status } from "../case/result.ts";
import {
  type KitInfo,
  type ReportCase,
  rowNote,
  rstTiming,
  type Summary,
} from "./report.ts";
import { environmentPairs, summaryLine } from "./markdown.ts";
import { topSkipReasons } from "./skips.ts";

const PAINT: Record<Status, (s: string) => string> = {
  passed: green,
  failed: (s) => bold(red(s)),
  skipped: gray,
  "known-deviation": yellow,
  unjudged: cyan,
  "compat-differs": (s) => bold(yellow(s)),
};

/**
 * The header: kit, then the environment one fact per line.
 *
 * @example
 * ```ts
 * import { assertStringIncludes } from "@std/assert";
 * import { renderHeader } from "./console.ts";
 * const text = renderHeader({ name: "@closewait/kit", version: "0.1.0" }, {
 *   os: "linux", kernel: "6.1.0", arch: "x86_64", deno: "2.9.6", v8: "14.0",
 *   gcc: null, tcpdump: null, root: true, sysctls: { "net.ipv4.tcp_fin_timeout": "60" },
 * });
 * assertStringIncludes(text, "gcc      absent");
 * ```
 */
export function renderHeader(kit: KitInfo, env: Environment): string {
  const lines = [bold(`closewait ${kit.name} ${kit.version}`)];
  for (const [k, v] of environmentPairs(env)) {
    lines.push(`  ${k.padEnd(8)} ${v}`);
  }
  return lines.join("\n");
}

/**
 * A heading, then one line per case and layer, aligned.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { renderRows } from "./console.ts";
 * const rows = renderRows([{ id: "a", layer: "deno", status: "passed", summary: "", timings: [], steps: [] }]);
 * assertEquals(rows.split("\n")[1], "  passed           a     deno");
 * ```
 */
export function renderRows(cases: ReportCase[]): string {
  const idWidth = Math.max(4, ...cases.map((c) => c.id.length));
  const rstWidth = Math.max(
    0,
    ...cases.map((c) => rstTiming(c.timings).length),
  );
  const head = gray(
    `  ${"status".padEnd(16)} ${"case".padEnd(idWidth)}  ${"layer".padEnd(7)}${
      rstWidth ? ` ${"RST".padEnd(rstWidth)}` : ""
    }  notes`,
  );
  return [
    head,
    ...cases.map((c) => {
      const status = PAINT[c.status]((c.status as string).padEnd(16));
      const rst = rstTiming(c.timings).padEnd(rstWidth);
      const note = rowNote(c);
      return `  ${status} ${c.id.padEnd(idWidth)}  ${c.layer.padEnd(7)}${
        rstWidth ? ` ${rst}` : ""
      }${note ? `  ${note}` : ""}`.trimEnd();
    }),
  ].join("\n");
}

/**
 * The closing line: counts, failures first, in red when any failed, and
 * the top reasons for the skipped rows among `cases`.
 *
 * @example
 * ```ts
 * import { assertStringIncludes } from "@std/assert";
 * import { renderSummary } from "./console.ts";
 * assertStringIncludes(
 *   renderSummary({ passed: 2, failed: 0, skipped: 1, knownDeviation: 0, unjudged: 0 }),
 *   "0 failed, 2 passed",
 * );
 * ```
 */
export function renderSummary(
  s: Summary,
  cases: readonly Pick<ReportCase, "status" | "reason">[] = [],
): string {
  // The skipped rows always say why, in brief: a green run that checked
  // little must not look like one that checked everything.
  const skips = topSkipReasons(cases);
  const line = `${s.failed > 0 ? "FAILED" : "ok"}: ${summaryLine(s)}${
    skips ? ` (${skips})` : ""
  }`;
  return s.failed > 0 ? bold(red(line)) : bold(green(line));
}
