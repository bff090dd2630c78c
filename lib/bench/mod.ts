/**
 * `deno task bench`: the whole kit warm and cold, per-case medians and the
 * ratio to an empty `deno test`, measured side by side in one run.
 *
 * @module
 */

export * from "./bench.ts";
