/**
 * The kit's terminal output: a header naming the machine, then one row per
 * case and layer (status, id, layer, RST timing, and for failed, deviating,
 * unjudged or skipped rows a few words on why), then the counts. Lines fit
 * the terminal's width (100 columns when not a terminal), long notes and
 * values wrapping with indentation. Colours come from `@std/fmt/colors`;
 * the caller turns them off with {@linkcode colorWanted} (`NO_COLOR`,
 * `TERM=dumb` or a non-terminal stdout), and the header and rows never
 * colour a dumb terminal.
 *
 * @module
 */

import {
  bold,
  cyan,
  gray,
  green,
  red,
  stripAnsiCode,
  yellow,
} from "@std/fmt/colors";
import type { Environment } from "./environment.ts";
import type { Status } from "../case/result.ts";
import {
  formatTiming,
  type KitInfo,
  type ReportCase,
  rowNote,
  type Summary,
} from "./report.ts";
import {
  environmentPairs,
  summaryLine,
  type TimingSource,
  timingSource,
} from "./markdown.ts";
import { topSkipReasons } from "./skips.ts";

const PAINT: Record<Status, (s: string) => string> = {
  passed: green,
  failed: (s) => bold(red(s)),
  skipped: gray,
  "known-deviation": yellow,
  unjudged: cyan,
  "compat-differs": (s) => bold(yellow(s)),
};

/** The width a terminal line may take when the output is not a terminal. */
export const DEFAULT_WIDTH = 100;

/**
 * The width of the terminal stdout writes to, or {@linkcode DEFAULT_WIDTH}
 * when it is not a terminal.
 */
export function terminalWidth(): number {
  try {
    if (Deno.stdout.isTerminal()) {
      return Math.max(40, Deno.consoleSize().columns);
    }
  } catch { /* not a terminal after all */ }
  return DEFAULT_WIDTH;
}

/** Whether `TERM` says the terminal understands no escape sequences. */
export function dumbTerminal(): boolean {
  try {
    return Deno.env.get("TERM") === "dumb";
  } catch {
    return false; // not permitted to read TERM: assume an ordinary terminal
  }
}

/**
 * Whether the kit's output should be coloured: a terminal, no `NO_COLOR`
 * (https://no-color.org), and a `TERM` other than `dumb`.
 *
 * @example
 * ```ts
 * import { setColorEnabled } from "@std/fmt/colors";
 * import { colorWanted } from "./console.ts";
 * setColorEnabled(colorWanted());
 * ```
 */
export function colorWanted(
  isTerminal: boolean = Deno.stdout.isTerminal(),
): boolean {
  return isTerminal && !Deno.noColor && !dumbTerminal();
}

/** The text as is, or without colours on a dumb terminal. */
function plainIfDumb(text: string): string {
  return dumbTerminal() ? stripAnsiCode(text) : text;
}

/**
 * Splits text into lines of at most `width` characters, at spaces where it
 * can (a word longer than a line is cut).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { wrapText } from "./console.ts";
 * assertEquals(wrapText("write() #2: expected -1 EPIPE, observed 3", 20), [
 *   "write() #2: expected",
 *   "-1 EPIPE, observed 3",
 * ]);
 * ```
 */
export function wrapText(text: string, width: number): string[] {
  const w = Math.max(10, width);
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter((x) => x)) {
    let rest = word;
    if (line && line.length + 1 + rest.length > w) {
      lines.push(line);
      line = "";
    }
    while (!line && rest.length > w) {
      lines.push(rest.slice(0, w));
      rest = rest.slice(w);
    }
    line = line ? `${line} ${rest}` : rest;
  }
  if (line) lines.push(line);
  return lines.length ? lines : [""];
}

/** `net.ipv4.tcp_sack` → `tcp_sack`: the prefix every Linux name shares. */
function shortSysctl(name: string): string {
  return name.replace(/^net\.ipv4\.|^net\.inet\.tcp\./, "");
}

/**
 * The header: kit, then the environment one fact per line, the sysctls
 * packed into as few lines as the width allows; long values wrap under
 * their column.
 *
 * @example
 * ```ts
 * import { assertStringIncludes } from "@std/assert";
 * import { renderHeader } from "./console.ts";
 * const text = renderHeader({ name: "@closewait/kit", version: "0.1.0" }, {
 *   os: "linux", kernel: "6.1.0", arch: "x86_64", deno: "2.9.6", v8: "14.0",
 *   gcc: null, tcpdump: null, root: true, sysctls: { "net.ipv4.tcp_fin_timeout": "60" },
 * }, 80);
 * assertStringIncludes(text, "  gcc      absent");
 * assertStringIncludes(text, "  sysctls  tcp_fin_timeout=60");
 * ```
 */
export function renderHeader(
  kit: KitInfo,
  env: Environment,
  width: number = terminalWidth(),
): string {
  const lines = [bold(`closewait ${kit.name} ${kit.version}`)];
  const pairs = environmentPairs(env).filter(([k]) => !env.sysctls[k]);
  const sysctls = Object.entries(env.sysctls).map(([k, v]) =>
    `${shortSysctl(k)}=${v}`
  );
  const keyWidth = Math.max(
    7,
    ...pairs.map(([k]) => k.length),
  );
  const indent = " ".repeat(2 + keyWidth + 2);
  const room = Math.max(20, width - indent.length);
  const add = (key: string, value: string) => {
    const wrapped = wrapText(value, room);
    lines.push(`  ${key.padEnd(keyWidth)}  ${wrapped[0]}`);
    for (const more of wrapped.slice(1)) lines.push(`${indent}${more}`);
  };
  for (const [k, v] of pairs) if (k !== "sysctls") add(k, v);
  if (sysctls.length === 0) add("sysctls", "none read");
  else {
    // Packed, two spaces apart, as many per line as fit.
    const packed: string[] = [];
    for (const item of sysctls) {
      const last = packed.length - 1;
      if (last >= 0 && packed[last].length + 2 + item.length <= room) {
        packed[last] += `  ${item}`;
      } else packed.push(item);
    }
    lines.push(`  ${"sysctls".padEnd(keyWidth)}  ${packed[0]}`);
    for (const more of packed.slice(1)) lines.push(`${indent}${more}`);
  }
  return plainIfDumb(lines.join("\n"));
}

const SOURCE_TAG: Record<TimingSource, string> = {
  syscall: "sys",
  wire: "wire",
  polled: "poll",
};

/** A row's RST figures, each tagged with what measured it: `36.3 µs sys`. */
function rstCell(c: ReportCase): string {
  return c.timings.filter((t) => t.name.includes("RST")).map((t) =>
    `${formatTiming(t)} ${SOURCE_TAG[timingSource(c.layer, t.name)]}`
  ).join(", ");
}

/**
 * A heading, then one line per case and layer: status, case, layer, the
 * RST delays tagged with what measured them (`sys` the helper's syscall
 * timestamps, `wire` the capture, `poll` the Deno layer's state polling),
 * and a note; notes that do not fit wrap under their column, or start on
 * the next line when the columns leave them too little room. A legend for
 * the tags closes the table when there are figures.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { stripAnsiCode } from "@std/fmt/colors";
 * import { renderRows } from "./console.ts";
 * const rows = renderRows([{ id: "a", layer: "deno", status: "passed", summary: "", timings: [], steps: [] }], 80);
 * assertEquals(stripAnsiCode(rows.split("\n")[1]), "  passed  a     deno");
 * ```
 */
export function renderRows(
  cases: ReportCase[],
  width: number = terminalWidth(),
): string {
  const statusWidth = Math.max(6, ...cases.map((c) => c.status.length));
  const idWidth = Math.max(4, ...cases.map((c) => c.id.length));
  const layerWidth = Math.max(5, ...cases.map((c) => c.layer.length));
  const rsts = cases.map(rstCell);
  const figuresWidth = Math.max(0, ...rsts.map((r) => r.length));
  const columns = 2 + statusWidth + 2 + idWidth + 2 + layerWidth;
  // The figures get a column when it fits; else they open the note.
  const rstWidth = figuresWidth &&
      columns + 2 + Math.max(3, figuresWidth) <= width
    ? Math.max(3, figuresWidth)
    : 0;
  const rstCol = rstWidth ? `  ${"RST".padEnd(rstWidth)}` : "";
  const lead = columns + rstCol.length;
  // Notes beside the columns when at least 30 characters fit there, else
  // on lines of their own, indented.
  const besideRoom = width - lead - 2;
  const beside = besideRoom >= 30;
  const noteIndent = beside ? " ".repeat(lead + 2) : "      ";
  const noteRoom = beside ? besideRoom : width - noteIndent.length;
  const head = gray(
    `  ${"status".padEnd(statusWidth)}  ${"case".padEnd(idWidth)}  ${
      "layer".padEnd(layerWidth)
    }${rstCol}${beside ? "  notes" : ""}`.trimEnd(),
  );
  const lines = [head];
  cases.forEach((c, i) => {
    const paint = PAINT[c.status] ?? ((s: string) => s);
    const status = paint(c.status.padEnd(statusWidth));
    const rst = rstWidth ? `  ${rsts[i].padEnd(rstWidth)}` : "";
    const row = `  ${status}  ${c.id.padEnd(idWidth)}  ${
      c.layer.padEnd(layerWidth)
    }${rst}`;
    const note = [
      !rstWidth && rsts[i] ? `RST ${rsts[i]};` : "",
      rowNote(c),
    ].filter((x) => x).join(" ").replace(/;$/, "");
    const wrapped = note ? wrapText(note, noteRoom) : [];
    if (beside && wrapped.length) {
      lines.push(`${row}  ${wrapped[0]}`);
      for (const more of wrapped.slice(1)) lines.push(`${noteIndent}${more}`);
    } else {
      lines.push(row.trimEnd());
      for (const more of wrapped) lines.push(`${noteIndent}${more}`);
    }
  });
  if (figuresWidth) {
    const legend = wrapText(
      "RST: delay from the trigger to the RST, measured by sys = the helper's syscall timestamps, wire = the capture, poll = the Deno layer polling the socket table (mostly the poll interval)",
      width - 4,
    );
    lines.push(gray(`  ${legend[0]}`));
    for (const more of legend.slice(1)) lines.push(gray(`    ${more}`));
  }
  return plainIfDumb(lines.map((l) => l.trimEnd()).join("\n"));
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
