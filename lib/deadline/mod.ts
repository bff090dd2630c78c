/**
 * A deadline for any promise: every wait in the kit has one, so a hang
 * fails with what it waited for instead of stalling a run.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { TIMED_OUT, within } from "./mod.ts";
 * assertEquals(await within(Promise.resolve(1), 100), 1);
 * let timer: ReturnType<typeof setTimeout> | undefined;
 * const never = new Promise((r) => timer = setTimeout(r, 1000));
 * assertEquals(await within(never, 10), TIMED_OUT);
 * clearTimeout(timer);
 * ```
 *
 * @module
 */

export * from "./within.ts";
