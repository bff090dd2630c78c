/**
 * Every wait in the kit has a deadline: this is the one place that races a
 * promise against a timer and always clears the timer.
 *
 * @module
 */

/** Returned by {@linkcode within} when the deadline passed first. */
export const TIMED_OUT: unique symbol = Symbol("timed out");

/**
 * Resolves with `work`'s value, or with {@linkcode TIMED_OUT} if `ms` pass
 * first. A rejection of `work` propagates; a late one is ignored, so an
 * abandoned operation never becomes an unhandled rejection.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { TIMED_OUT, within } from "./within.ts";
 * assertEquals(await within(new Promise(() => {}), 5), TIMED_OUT);
 * assertEquals(await within(Promise.resolve(1), 5), 1);
 * ```
 */
export async function within<T>(
  work: Promise<T>,
  ms: number,
): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  work.catch(() => {});
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
