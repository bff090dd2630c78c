/**
 * packetdrill reproducers: a wire case's run (the C helper's transcript
 * and the captured segments) turned into a packetdrill script with the
 * listening end as the system under test, and the script run by
 * packetdrill in a network namespace of its own.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { segmentLine } from "./mod.ts";
 * assertEquals(
 *   segmentLine({ t: 0, from: "client", flags: "R", seq: 2, len: 0 }, true),
 *   "< R 2:2(0) win 0",
 * );
 * ```
 *
 * @module
 */

export * from "./input.ts";
export * from "./errno.ts";
export * from "./calls.ts";
export * from "./timeline.ts";
export * from "./script.ts";
export * from "./generate.ts";
export * from "./run.ts";
export * from "./layer.ts";
