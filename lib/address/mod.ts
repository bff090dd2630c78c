/**
 * Endpoints (`127.0.0.1:80`, `[::1]:80`) and connection 4-tuples, in one
 * canonical form so the helper's answers, Deno's addresses and the kernel's
 * state tables compare.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { canonicalAddress, parseEndpoint } from "./mod.ts";
 * assertEquals(parseEndpoint("[::1]:8080"), { address: "::1", port: 8080 });
 * assertEquals(canonicalAddress("::ffff:127.0.0.1"), "127.0.0.1");
 * ```
 *
 * @module
 */

export * from "./address.ts";
