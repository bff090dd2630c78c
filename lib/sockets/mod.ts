/**
 * Connected pairs on ephemeral loopback ports (Deno TCP, Unix sockets, a
 * helper client against a Deno server) and the socket-state probe that
 * reads a connection's TCP state (CLOSE_WAIT, FIN_WAIT2, ...) from the
 * kernel's tables by 4-tuple.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseProcNetTcp } from "./mod.ts";
 * const rows = parseProcNetTcp(
 *   "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
 *     "   0: 0100007F:1F90 0100007F:C350 08 00000000:00000000 00:00000000 00000000     0        0 1234",
 * );
 * assertEquals(rows[0].state, "CLOSE_WAIT");
 * ```
 *
 * @module
 */

export * from "./pair.ts";
export * from "./state.ts";
export * from "./helper_reader.ts";
