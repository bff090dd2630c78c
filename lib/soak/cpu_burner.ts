/**
 * Keeps every core busy while the kit runs, for hunting flakes under load
 * (`deno task soak --stress`): one worker per core, each spinning. Always
 * stopped by disposal, so no burner outlives the run.
 *
 * @module
 */

/**
 * A worker's whole program: spin until terminated, in 50 ms slices so the
 * worker stays terminable between them. Loaded from a Blob, so it needs no
 * read permission.
 */
const SPIN = `function spin() {
  const until = performance.now() + 50;
  let x = 0;
  while (performance.now() < until) x = (x + 1) % 1000003;
  setTimeout(spin, 0);
}
spin();`;

/** Running burners; dispose (or call `stop()`) to end them. */
export class CpuBurner implements Disposable {
  readonly #workers: Worker[];
  readonly #url: string;

  private constructor(workers: Worker[], url: string) {
    this.#workers = workers;
    this.#url = url;
  }

  /**
   * Starts `count` spinning workers (default: one per core).
   *
   * @example
   * ```ts ignore
   * import { CpuBurner } from "./cpu_burner.ts";
   * using burner = CpuBurner.start();
   * // ... run the kit under load ...
   * ```
   */
  static start(count: number = navigator.hardwareConcurrency): CpuBurner {
    const url = URL.createObjectURL(
      new Blob([SPIN], { type: "application/javascript" }),
    );
    const workers = Array.from(
      { length: Math.max(1, count) },
      () => new Worker(url, { type: "module" }),
    );
    return new CpuBurner(workers, url);
  }

  /** How many workers are spinning. */
  get size(): number {
    return this.#workers.length;
  }

  /** Terminates every worker. */
  stop(): void {
    for (const w of this.#workers.splice(0)) w.terminate();
    URL.revokeObjectURL(this.#url);
  }

  /** Same as {@linkcode CpuBurner.stop}. */
  [Symbol.dispose](): void {
    this.stop();
  }
}
