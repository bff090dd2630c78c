/**
 * The wire layer: tcpdump on loopback (always stopped and reaped), its text
 * parsed into segments, expected sequences in packetdrill-like notation
 * (`c:S s:S. c:. c:F. s:. s:P.(3) c:R`) and a matcher that tolerates only
 * pure ACKs, exact retransmissions and an explained repeated RST.
 *
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { wireMatches } from "./mod.ts";
 * assert(wireMatches("c:S s:S. c:. c:F. s:P.(3) c:R", "c:S s:S. c:. c:F. s:. s:P.(3) c:R"));
 * ```
 *
 * @module
 */

export * from "./segment.ts";
export * from "./tcpdump.ts";
export * from "./tcpdump_text.ts";
export * from "./capture.ts";
export * from "./pair.ts";
export * from "./sequence.ts";
export * from "./render.ts";
