/**
 * `deno task soak`: the cases run N times (optionally with every core
 * busy), per-case outcome counts and timing spreads, and a check for
 * anything a run left behind (processes, loopback sockets).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { percentile } from "./mod.ts";
 * assertEquals(percentile([1, 2, 3, 4], 0.5), 2);
 * ```
 *
 * @module
 */

export * from "./stats.ts";
export * from "./args.ts";
export * from "./cpu_burner.ts";
export * from "./leak_check.ts";
