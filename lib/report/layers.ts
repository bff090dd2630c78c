/**
 * The runtime matrix: one row per case, one column per layer (syscall,
 * deno, wire, then `node@nodejs`, `node@deno`, `node@bun`), each cell the
 * row's status, so one table answers "what does the kernel do, and what
 * does each runtime make of it".
 *
 * @module
 */

import { codeCell } from "./table_cells.ts";

/** What the matrix needs of a report row. */
export interface MatrixRow {
  /** Case id. */
  id: string;
  /** Layer (`-` for a row that belongs to none). */
  layer: string;
  /** Status. */
  status: string;
}

/** The columns, in order; layers not in this list follow in first-seen order. */
export const MATRIX_LAYERS: readonly string[] = [
  "syscall",
  "deno",
  "wire",
  "node@nodejs",
  "node@deno",
  "node@bun",
];

/**
 * A Markdown table of cases × layers with `label(row)` in each cell (`·`
 * where a case has no such layer); `undefined` when no row has a node
 * layer, since without runtimes the results table already says it all.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { layerMatrix } from "./layers.ts";
 * const table = layerMatrix([
 *   { id: "a", layer: "syscall", status: "passed" },
 *   { id: "a", layer: "node@bun", status: "compat-differs" },
 * ], (r) => r.status);
 * assertEquals(table?.split("\n")[2], "| `a` | passed | · | · | · | · | compat-differs |");
 * ```
 */
export function layerMatrix<R extends MatrixRow>(
  rows: readonly R[],
  label: (row: R) => string,
): string | undefined {
  if (!rows.some((r) => r.layer.startsWith("node@"))) return undefined;
  const layers = [...MATRIX_LAYERS];
  for (const r of rows) {
    if (r.layer !== "-" && !layers.includes(r.layer)) layers.push(r.layer);
  }
  const ids = [...new Set(rows.map((r) => r.id))];
  const cell = new Map(rows.map((r) => [`${r.id}\u0000${r.layer}`, r]));
  return [
    `| case | ${layers.join(" | ")} |`,
    `|---|${layers.map(() => "---").join("|")}|`,
    ...ids.map((id) =>
      `| ${codeCell(id)} | ${
        layers.map((l) => {
          const r = cell.get(`${id}\u0000${l}`);
          return r === undefined ? "·" : label(r);
        }).join(" | ")
      } |`
    ),
  ].join("\n");
}
