/**
 * The runtime matrix: one row per case, one column per layer (syscall,
 * deno, wire, then `node@nodejs`, `node@deno`, `node@bun`), each cell the
 * row's status, so one table answers "what does the kernel do, and what
 * does each runtime make of it".
 *
 * @module
 */

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
 * A Markdown table of cases × layers with `label(status)` in each cell (`·`
 * where a case has no such layer); `undefined` when no row has a node
 * layer, since without runtimes the results table already says it all.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { layerMatrix } from "./matrix.ts";
 * const table = layerMatrix([
 *   { id: "a", layer: "syscall", status: "passed" },
 *   { id: "a", layer: "node@bun", status: "compat-differs" },
 * ], (s) => s);
 * assertEquals(table?.split("\n")[2], "| `a` | passed | · | · | · | · | compat-differs |");
 * ```
 */
export function layerMatrix(
  rows: readonly MatrixRow[],
  label: (status: string) => string,
): string | undefined {
  if (!rows.some((r) => r.layer.startsWith("node@"))) return undefined;
  const layers = [...MATRIX_LAYERS];
  for (const r of rows) {
    if (r.layer !== "-" && !layers.includes(r.layer)) layers.push(r.layer);
  }
  const ids = [...new Set(rows.map((r) => r.id))];
  const cell = new Map(rows.map((r) => [`${r.id}\u0000${r.layer}`, r.status]));
  return [
    `| case | ${layers.join(" | ")} |`,
    `|---|${layers.map(() => "---").join("|")}|`,
    ...ids.map((id) =>
      `| \`${id}\` | ${
        layers.map((l) => {
          const s = cell.get(`${id}\u0000${l}`);
          return s === undefined ? "·" : label(s);
        }).join(" | ")
      } |`
    ),
  ].join("\n");
}
