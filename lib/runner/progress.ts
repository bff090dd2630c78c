/**
 * A progress bar for repeated runs: `[#####-----] 5/10 runs, 0 failed`.
 * Redrawn in place on a terminal, one line per run otherwise. (The Deno
 * standard library's progress bar is not in the npm republication the kit
 * uses, so this is the kit's own, and small.)
 *
 * @module
 */

/**
 * Whether a stream may get colours and line erases: a terminal, and not
 * one that says it understands no escape sequences (`TERM=dumb`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { escapesAllowed } from "./progress.ts";
 * assertEquals(escapesAllowed(true, "dumb"), false);
 * assertEquals(escapesAllowed(true, "xterm-256color"), true);
 * ```
 */
export function escapesAllowed(
  isTerminal: boolean,
  term: string | undefined,
): boolean {
  return isTerminal && term !== "dumb";
}

/**
 * `$TERM`, or `undefined` when unset or not readable under the permissions.
 *
 * @example
 * ```ts ignore
 * import { escapesAllowed, terminalType } from "./progress.ts";
 * const fancy = escapesAllowed(Deno.stderr.isTerminal(), terminalType());
 * ```
 */
export function terminalType(): string | undefined {
  try {
    return Deno.env.get("TERM");
  } catch {
    return undefined;
  }
}

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

/** Where and how a progress display draws. */
export interface ProgressOutput {
  /** Whether to redraw in place (`\r`, erase line); else one line each. */
  escapes: boolean;
  /** Writes text as is. */
  write(text: string): void;
}

/**
 * Stderr, redrawn in place only on a terminal that is not `TERM=dumb`.
 *
 * @example
 * ```ts ignore
 * import { stderrOutput } from "./progress.ts";
 * stderrOutput().write("hello\n");
 * ```
 */
export function stderrOutput(): ProgressOutput {
  const encoder = new TextEncoder();
  return {
    escapes: escapesAllowed(Deno.stderr.isTerminal(), terminalType()),
    write: (text) => {
      Deno.stderr.writeSync(encoder.encode(text));
    },
  };
}

/**
 * Draws the bar on stderr.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { RunProgress } from "./progress.ts";
 * let text = "";
 * const bar = new RunProgress({ escapes: false, write: (t) => text += t });
 * bar.show(1, 2, 0);
 * assertEquals(text, "[###############---------------] 1/2 runs, 0 failed\n");
 * ```
 */
export class RunProgress {
  readonly #out: ProgressOutput;
  readonly #tty: boolean;
  #drawn = false;

  /** Draws on `out` (default: stderr, see {@linkcode stderrOutput}). */
  constructor(out: ProgressOutput = stderrOutput()) {
    this.#out = out;
    this.#tty = out.escapes;
  }

  /** Shows the state after `done` runs. */
  show(done: number, total: number, failed: number, note = ""): void {
    const text = renderRunBar(done, total, failed) + (note ? `  ${note}` : "");
    if (this.#tty) {
      this.#out.write(`\r\x1b[2K${text}`);
      this.#drawn = true;
    } else {
      this.#out.write(`${text}\n`);
    }
  }

  /** Removes the bar from a terminal. */
  clear(): void {
    if (this.#tty && this.#drawn) {
      this.#out.write("\r\x1b[2K");
    }
    this.#drawn = false;
  }
}
