/**
 * SHA-256 of a text as lowercase hex: the cache keys of the helper build,
 * the catalog and the run-together entry modules.
 *
 * @module
 */

/**
 * The SHA-256 digest of `text` (UTF-8) as 64 lowercase hex digits.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { sha256Hex } from "./sha256.ts";
 * assertEquals(
 *   await sha256Hex("abc"),
 *   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
 * );
 * ```
 */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(text),
  );
  return Array.from(
    new Uint8Array(digest),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
}
