/**
 * When an RST came, judged against a round trip measured in the same run
 * (never an absolute time a loaded machine could miss): from a system
 * call's timestamps, or from the segments on the wire.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { judgeReset } from "./mod.ts";
 * assertEquals(judgeReset(40, 25).verdict, "within bound");
 * ```
 *
 * @module
 */

export * from "./bound.ts";
export * from "./wire.ts";
