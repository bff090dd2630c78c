/**
 * Text made safe for Markdown table cells, shared by every table the kit
 * writes (reports, compare, the layers side by side).
 *
 * @module
 */

/**
 * Text made safe for one Markdown table cell: HTML and pipes escaped, line
 * breaks as `<br>`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { cell } from "./table_cells.ts";
 * assertEquals(cell("POLLIN|POLLRDHUP\nnext"), "POLLIN\\|POLLRDHUP<br>next");
 * ```
 */
export function cell(text: string | undefined): string {
  return (text ?? "").replaceAll("&", "&amp;").replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;").replaceAll("\\", "\\\\").replaceAll("|", "\\|")
    .replaceAll("`", "\\`").replace(/\r?\n/g, "<br>");
}

/**
 * A code span for a table cell: pipes escaped (GFM splits cells before it
 * reads code spans), and a fence longer than any backtick run inside.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { codeCell } from "./table_cells.ts";
 * assertEquals(codeCell("a|`b`"), "`` a\\|`b` ``");
 * ```
 */
export function codeCell(text: string): string {
  const longest = Math.max(
    0,
    ...[...text.matchAll(/`+/g)].map((m) => m[0].length),
  );
  const fence = "`".repeat(longest + 1);
  const pad = longest > 0 ? " " : "";
  return `${fence}${pad}${
    text.replaceAll("|", "\\|").replace(/\r?\n/g, " ")
  }${pad}${fence}`;
}
