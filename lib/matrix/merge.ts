/**
 * The matrix's results merged: each column (the host, then one per guest
 * kernel) becomes a kit report (the kit's own, with the kernel facts added
 * to its environment, or a one-row report saying why a guest gave none),
 * and `compare` (lib/report) turns the reports into the cases × kernels
 * matrix, rows that differ first. A table of the columns (how each ran,
 * its wall time, TCP_INFO size) goes before it.
 *
 * @module
 */

import {
  buildReport,
  compareReports,
  type Environment,
  type KitInfo,
  type KitReport,
  type Matrix,
  parseKitReport,
  renderMatrixMarkdown,
} from "../report/mod.ts";
import type { KernelFacts } from "./facts.ts";
import type { GuestStatus } from "./guest.ts";

/** The case id of the row that stands for a guest that gave no report. */
export const GUEST_ROW_ID = "kernel-matrix-guest";

/** One column of the matrix: the host or a guest kernel. */
export interface ColumnResult {
  /** `host` or the guest's kernel release. */
  name: string;
  /** Kernel release. */
  release: string;
  /** Host or guest. */
  kind: "host" | "guest";
  /** How the guest reached the host (guests). */
  fs?: string;
  /** The request the kernel came from (guests). */
  request?: string;
  /** How it ended (`done` for a host run that wrote its report). */
  status: GuestStatus;
  /** Why, when not done. */
  reason?: string;
  /** The kit's exit status. */
  rc?: number;
  /** The kit's report text. */
  report?: string;
  /** Kernel facts measured there. */
  facts?: KernelFacts;
  /** Seconds from start to the command (guests). */
  bootSeconds?: number;
  /** Wall time of the column (ms). */
  wallMs: number;
  /** Last console lines (guests that failed). */
  consoleTail?: string[];
}

/**
 * The report a column contributes: the kit's own (its environment gaining
 * `kernelFacts`), or, when there is none or it does not parse, a report
 * with one failed row `kernel-matrix-guest` that says why. `like` lends the
 * environment fields a guest shares with the host (Deno, gcc: the guest
 * runs the host's files).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { columnReport } from "./merge.ts";
 * const r = columnReport(
 *   { name: "6.1.0-57-amd64", release: "6.1.0-57-amd64", kind: "guest", status: "timeout", reason: "no result within 300 s", wallMs: 300000 },
 *   { name: "@closewait/kit", version: "0.1.0" },
 * );
 * assertEquals([r.environment.kernel, r.cases[0].status, r.cases[0].reason], ["6.1.0-57-amd64", "failed", "timeout: no result within 300 s"]);
 * ```
 */
export function columnReport(
  c: ColumnResult,
  kit: KitInfo,
  like?: Environment,
): KitReport {
  let report: KitReport | undefined;
  let parseError: string | undefined;
  if (c.report !== undefined) {
    try {
      report = parseKitReport(c.report);
    } catch (e) {
      parseError = (e as Error).message;
    }
  }
  if (report) {
    if (c.facts) {
      report = {
        ...report,
        environment: {
          ...report.environment,
          kernelFacts: { tcpInfoBytes: c.facts.tcpInfoBytes },
        } as Environment,
      };
    }
    return report;
  }
  const environment = {
    ...(like ?? {
      os: "linux",
      arch: "x86_64",
      deno: Deno.version.deno,
      v8: Deno.version.v8,
      gcc: null,
      tcpdump: null,
    }),
    kernel: c.release,
    root: null,
    sysctls: {},
    ...(c.facts ? { kernelFacts: { tcpInfoBytes: c.facts.tcpInfoBytes } } : {}),
  } as Environment;
  const why = parseError
    ? `the kit's report did not parse: ${parseError}`
    : `${c.status}: ${c.reason ?? "no report"}`;
  return buildReport(kit, environment, [{
    id: GUEST_ROW_ID,
    layer: "-",
    status: "failed",
    summary: "the kit ran in this kernel and wrote its report",
    reason: why,
    timings: [],
    steps: [],
    durationMs: Math.round(c.wallMs),
  }], {});
}

/**
 * Merges the columns' reports into the matrix (`files[i]` names where
 * column i's report was kept).
 */
export function mergeColumns(
  columns: ColumnResult[],
  files: string[],
  kit: KitInfo,
): { matrix: Matrix; reports: KitReport[] } {
  const host = columns.find((c) => c.kind === "host");
  let like: Environment | undefined;
  if (host?.report) {
    try {
      like = parseKitReport(host.report).environment;
    } catch { /* the host's own column will say so */ }
  }
  const reports = columns.map((c) => columnReport(c, kit, like));
  const matrix = compareReports(
    reports.map((report, i) => ({ file: files[i], report })),
  );
  return { matrix, reports };
}

function cellText(s: string): string {
  return s.replaceAll("|", "\\|").replaceAll("\n", " ");
}

/**
 * The columns as a Markdown table: how each kernel ran, wall time, boot
 * time, the TCP_INFO size, and why a guest failed.
 *
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { renderColumns } from "./merge.ts";
 * const text = renderColumns([
 *   { name: "host", release: "6.18.44", kind: "host", status: "done", rc: 0, wallMs: 2200, facts: { kernel: "6.18.44", tcpInfoBytes: 280 } },
 * ], "TCG: no writable /dev/kvm");
 * assert(text.includes("| host | 6.18.44 | host | done (kit exit 0) | 2.2 s | — | 280 |"));
 * ```
 */
export function renderColumns(
  columns: ColumnResult[],
  accelerator: string,
): string {
  const rows = columns.map((c) => {
    const how = c.kind === "host"
      ? "host"
      : `guest, ${c.fs ?? "?"}${c.request ? `, ${c.request}` : ""}`;
    const status = c.status === "done"
      ? `done (kit exit ${c.rc ?? "?"})`
      : `**${c.status}**: ${c.reason ?? ""}`;
    return `| ${cellText(c.name)} | ${cellText(c.release)} | ${
      cellText(how)
    } | ${cellText(status)} | ${(c.wallMs / 1000).toFixed(1)} s | ${
      c.bootSeconds !== undefined ? `${c.bootSeconds.toFixed(1)} s` : "—"
    } | ${c.facts?.tcpInfoBytes ?? "—"} |`;
  });
  return [
    "# closewait kernel matrix",
    `Guests: QEMU, ${accelerator}; loopback networking only.`,
    "| column | kernel | how | result | wall | boot | TCP_INFO bytes |",
    "|---|---|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}

/**
 * The whole Markdown of a matrix run: the columns, any failed guest's
 * console tail, then the merged matrix.
 */
export function renderMatrixRun(
  columns: ColumnResult[],
  matrix: Matrix,
  accelerator: string,
): string {
  const tails = columns.filter((c) =>
    c.status !== "done" && c.consoleTail?.length
  ).map((c) =>
    `## Console of ${c.name} (last lines)\n\n\`\`\`\n${
      c.consoleTail!.join("\n")
    }\n\`\`\`\n`
  );
  return [
    renderColumns(columns, accelerator),
    ...tails,
    renderMatrixMarkdown(matrix).replace(/^# .*\n/, "## Cases × kernels\n"),
  ].join("\n");
}

/**
 * The matrix command's exit status: 0 when every column ran and nothing
 * failed, 1 otherwise.
 */
export function matrixExitCode(reports: KitReport[]): number {
  return reports.some((r) => r.summary.failed > 0) ? 1 : 0;
}
