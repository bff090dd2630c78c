/**
 * Kit reports from several machines or kernels merged into one matrix:
 * cases × environments, with the rows that differ across environments
 * first, since those are the findings.
 *
 * @module
 */

import type { Environment } from "./environment.ts";
import type { Status } from "../case/result.ts";
import {
  type KitInfo,
  type KitReport,
  type ReportCase,
  rowNote,
} from "./report.ts";
import { cell, codeCell, statusLabel } from "./markdown.ts";
import { mostlySkipped, topSkipReasons } from "./skips.ts";
import { layerMatrix } from "./layers.ts";

/** One environment (one report) of the matrix. */
export interface MatrixColumn {
  /** Short name: `linux 6.8.0-1017-azure x86_64`. */
  label: string;
  /** The report file it came from. */
  file: string;
  /** The machine. */
  environment: Environment;
  /** The kit that made the report. */
  kit: KitInfo;
  /** When the report was made. */
  generated: string;
  /** Rows this report has. */
  rows: number;
  /** Rows it skipped. */
  skipped: number;
  /** Whether it skipped most of its rows (it checked little). */
  mostlySkipped: boolean;
  /** Its most frequent skip reasons, in brief (empty if none). */
  skipReasons: string;
}

/** What one environment showed for one case and layer. */
export interface MatrixCell {
  /** Verdict. */
  status: Status;
  /** What the deciding step observed, if any. */
  observed?: string;
  /** A few words on why (empty for passed). */
  note: string;
}

/** One case and layer across environments. */
export interface MatrixRow {
  /** Case id. */
  id: string;
  /** Layer. */
  layer: string;
  /** Whether the environments disagree (status, observation or presence). */
  differs: boolean;
  /** One cell per column; `null` where that report lacks the case. */
  cells: (MatrixCell | null)[];
}

/** The merged matrix. */
export interface Matrix {
  /** Environments, in the order the reports were given. */
  columns: MatrixColumn[];
  /** Rows; those that differ come first. */
  rows: MatrixRow[];
}

function baseLabel(e: Environment): string {
  return `${e.os} ${e.kernel} ${e.arch}`;
}

function signature(c: MatrixCell | null): string {
  return c
    ? `${c.status}\u0000${c.status === "passed" ? "" : c.observed ?? ""}`
    : "absent";
}

function toCell(c: ReportCase): MatrixCell {
  return {
    status: c.status,
    ...(c.observed !== undefined ? { observed: c.observed } : {}),
    note: rowNote(c),
  };
}

/**
 * Merges reports into a matrix. Columns are labelled by OS, kernel and
 * architecture (plus the Deno version when those differ, and the file name
 * when labels still collide).
 *
 * @example
 * ```ts ignore
 * import { compareReports } from "./compare.ts";
 * const m = compareReports([{ file: "a.json", report: a }, { file: "b.json", report: b }]);
 * console.log(m.rows.filter((r) => r.differs).length, "rows differ");
 * ```
 */
export function compareReports(
  reports: { file: string; report: KitReport }[],
): Matrix {
  const denos = new Set(reports.map((r) => r.report.environment.deno));
  const labels = reports.map(({ report }) =>
    `${baseLabel(report.environment)}${
      denos.size > 1 ? `, Deno ${report.environment.deno}` : ""
    }`
  );
  const columns: MatrixColumn[] = reports.map(({ file, report }, i) => {
    const collides = labels.filter((l) => l === labels[i]).length > 1;
    const name = file.split(/[\\/]/).pop() ?? file;
    return {
      label: collides ? `${labels[i]} (${name})` : labels[i],
      file,
      environment: report.environment,
      kit: report.kit,
      generated: report.generated,
      rows: report.cases.length,
      skipped: report.cases.filter((c) => c.status === "skipped").length,
      mostlySkipped: mostlySkipped(report.cases),
      skipReasons: topSkipReasons(report.cases),
    };
  });
  const keys: string[] = [];
  const byKey = new Map<
    string,
    { id: string; layer: string; cells: (MatrixCell | null)[] }
  >();
  reports.forEach(({ report }, col) => {
    for (const c of report.cases) {
      const key = `${c.id}\u0000${c.layer}`;
      let row = byKey.get(key);
      if (!row) {
        row = { id: c.id, layer: c.layer, cells: reports.map(() => null) };
        byKey.set(key, row);
        keys.push(key);
      }
      row.cells[col] = toCell(c);
    }
  });
  const order: Record<string, number> = {
    syscall: 0,
    deno: 1,
    wire: 2,
    "node@nodejs": 3,
    "node@deno": 4,
    "node@bun": 5,
  };
  const rows = keys.map((k) => {
    const r = byKey.get(k)!;
    return { ...r, differs: new Set(r.cells.map(signature)).size > 1 };
  });
  rows.sort((a, b) =>
    Number(b.differs) - Number(a.differs) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) ||
    (order[a.layer] ?? 9) - (order[b.layer] ?? 9)
  );
  return { columns, rows };
}

/** A column's header in the cases table, marked when mostly skipped. */
function columnHeader(c: MatrixColumn, i: number): string {
  const mark = c.mostlySkipped ? ` ⚠ ${c.skipped}/${c.rows} skipped` : "";
  return `${i + 1}. ${cell(c.label)}${mark}`;
}

function cellText(c: MatrixCell | null): string {
  if (!c) return "—";
  return c.note
    ? `${statusLabel(c.status)}: ${cell(c.note)}`
    : statusLabel(c.status);
}

/**
 * The matrix as Markdown: the environments, then one table row per case
 * and layer (differing rows first, marked with ≠).
 *
 * @example
 * ```ts ignore
 * import { compareReports, renderMatrixMarkdown } from "./compare.ts";
 * console.log(renderMatrixMarkdown(compareReports(reports)));
 * ```
 */
export function renderMatrixMarkdown(m: Matrix): string {
  const differing = m.rows.filter((r) => r.differs).length;
  const out = [
    "# closewait conformance matrix",
    `${m.columns.length} environment${
      m.columns.length === 1 ? "" : "s"
    }, ${m.rows.length} case rows; ${differing} differ across environments${
      differing ? " (listed first, marked ≠)" : ""
    }.`,
    ...m.columns.flatMap((c, i) =>
      c.mostlySkipped
        ? [
          `⚠ Most rows were skipped in environment ${i + 1} (${
            cell(c.label)
          }): ${c.skipped} of ${c.rows} (${
            cell(c.skipReasons)
          }); its column checks little.`,
        ]
        : []
    ),
    "## Environments",
    [
      "| # | environment | Deno | gcc | tcpdump | root | kit | report |",
      "|---|---|---|---|---|---|---|---|",
      ...m.columns.map((c, i) => {
        const e = c.environment;
        return `| ${i + 1} | ${cell(c.label)} | ${
          cell(`${e.deno} (V8 ${e.v8})`)
        } | ${cell(e.gcc ?? "absent")} | ${cell(e.tcpdump ?? "absent")} | ${
          e.root === null ? "n/a" : e.root ? "yes" : "no"
        } | ${cell(`${c.kit.name} ${c.kit.version}`)} | ${cell(c.file)} |`;
      }),
    ].join("\n"),
    "## Cases",
    [
      `| | case | layer | ${m.columns.map(columnHeader).join(" | ")} |`,
      `|---|---|---|${m.columns.map(() => "---|").join("")}`,
      ...m.rows.map((r) =>
        `| ${r.differs ? "≠" : ""} | ${codeCell(r.id)} | ${cell(r.layer)} | ${
          r.cells.map(cellText).join(" | ")
        } |`
      ),
    ].join("\n"),
    ...layersSideBySide(m),
  ];
  return out.join("\n\n") + "\n";
}

/**
 * Per environment, its cases × layers: the kernel's layers (syscall, deno,
 * wire) beside each runtime's node:net, so one table answers "what does
 * the kernel do, what does each runtime make of it". Nothing when no
 * report has a node layer.
 */
function layersSideBySide(m: Matrix): string[] {
  const tables = m.columns.flatMap((c, i) => {
    const rows = m.rows.flatMap((r) => {
      const x = r.cells[i];
      return x ? [{ id: r.id, layer: r.layer, status: x.status, cell: x }] : [];
    });
    rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const table = layerMatrix(rows, (r) => cellText(r.cell));
    if (!table) return [];
    return m.columns.length > 1
      ? [`### ${i + 1}. ${cell(c.label)}`, table]
      : [table];
  });
  return tables.length > 0 ? ["## Layers side by side", ...tables] : [];
}
