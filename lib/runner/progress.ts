/**
 * A progress bar for repeated runs: `[#####-----] 5/10 runs, 0 failed`.
 * Redrawn in place on a terminal, one line per run otherwise. (The Deno
 * standard library's progress bar is not in the npm republication the kit
 * uses, so this is the kit's own, and small.)
 *
 * @module
 */

/**
 * The bar's text for `done` of `total` runs with `failed` runs failing.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { renderRunBar } from "./progress.ts";
 * assertEquals(renderRunBar(5, 10, 1, 10), "[#####-----] 5/10 runs, 1 failed");
 * ```
 */
export function renderRunBar(
  done: number,
  total: number,
  failed: number,
  width = 30,
): string {
  const filled = total > 0 ? Math.round((done / total) * width) : width;
  return `[${"#".repeat(filled)}${
    "-".repeat(width - filled)
  }] ${done}/${total} runs, ${failed} failed`;
}

/** Draws the bar on stderr. */
export class RunProgress {
  readonly #tty = Deno.stderr.isTerminal();
  readonly #encoder = new TextEncoder();
  #drawn = false;

  /** Shows the state after `done` runs. */
  show(done: number, total: number, failed: number, note = ""): void {
    const text = renderRunBar(done, total, failed) + (note ? `  ${note}` : "");
    if (this.#tty) {
      Deno.stderr.writeSync(this.#encoder.encode(`\r\x1b[2K${text}`));
      this.#drawn = true;
    } else {
      console.error(text);
    }
  }

  /** Removes the bar from a terminal. */
  clear(): void {
    if (this.#tty && this.#drawn) {
      Deno.stderr.writeSync(this.#encoder.encode("\r\x1b[2K"));
    }
    this.#drawn = false;
  }
}
