/**
 * Ctrl-C (SIGINT) and SIGTERM for the kit's commands: the first one aborts
 * the run (the test process's whole process group is ended, see
 * process_group.ts) so what finished can still be printed; a second one
 * exits at once.
 *
 * @module
 */

/** The signals a command stops on. */
const SIGNALS: readonly Deno.Signal[] = Deno.build.os === "windows"
  ? ["SIGINT"]
  : ["SIGINT", "SIGTERM"];

/**
 * Listens for SIGINT and SIGTERM while it lives (`using`).
 *
 * @example
 * ```ts ignore
 * import { Interrupt } from "./interrupt.ts";
 * using interrupt = new Interrupt();
 * // ... pass interrupt.signal to the run ...
 * if (interrupt.signal.aborted) Deno.exit(interrupt.exitCode);
 * ```
 */
export class Interrupt implements Disposable {
  readonly #controller = new AbortController();
  readonly #handlers = new Map<Deno.Signal, () => void>();
  #received?: Deno.Signal;

  /** Starts listening. */
  constructor() {
    for (const sig of SIGNALS) {
      const handler = () => {
        if (this.#received !== undefined) Deno.exit(this.exitCode);
        this.#received = sig;
        this.#controller.abort();
      };
      Deno.addSignalListener(sig, handler);
      this.#handlers.set(sig, handler);
    }
  }

  /** Aborted on the first signal. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The signal received, if any. */
  get received(): Deno.Signal | undefined {
    return this.#received;
  }

  /** The conventional exit status: 128 + the signal's number. */
  get exitCode(): number {
    return this.#received === "SIGTERM" ? 143 : 130;
  }

  /** Stops listening. */
  [Symbol.dispose](): void {
    for (const [sig, handler] of this.#handlers) {
      Deno.removeSignalListener(sig, handler);
    }
    this.#handlers.clear();
  }
}
