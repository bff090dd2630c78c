/**
 * Socket states read by a running C helper (`tcp-state`), so a case that
 * polls a state costs a line to the helper per reading instead of a process
 * start (Deno itself reads `/proc/net` only with `--allow-all`).
 *
 * @module
 */

import type { Helper } from "../helper/helper.ts";
import type { Tuple } from "../address/mod.ts";
import { brief } from "../helper/protocol.ts";
import type { RowReader, StateRow, TcpState } from "./state.ts";

/** The states `tcp-state` may name (Linux's), besides `absent`. */
const STATES = new Set<string>([
  "ESTABLISHED",
  "SYN_SENT",
  "SYN_RECV",
  "FIN_WAIT1",
  "FIN_WAIT2",
  "TIME_WAIT",
  "CLOSE",
  "CLOSE_WAIT",
  "LAST_ACK",
  "LISTEN",
  "CLOSING",
  "NEW_SYN_RECV",
]);

/**
 * A {@linkcode RowReader} that asks helper `h` for the row of a connection
 * (Linux: the helper reads `/proc/net/tcp{,6}` itself). An answer that is
 * not a state throws, naming the command and the answer.
 *
 * @example
 * ```ts ignore
 * import { Helper } from "../helper/mod.ts";
 * import { helperRowReader, waitForState } from "./mod.ts";
 * await using h = await Helper.start({ name: "state-probe" });
 * const p = await h.pair();
 * const w = await waitForState(p.clientTuple, ["ESTABLISHED"], 2000, helperRowReader(h));
 * ```
 */
export function helperRowReader(h: Helper): RowReader {
  return async (tuple: Tuple): Promise<StateRow | undefined> => {
    const command =
      `tcp-state ${tuple.local.address} ${tuple.local.port} ${tuple.remote.address} ${tuple.remote.port}`;
    const answer = await h.run(command);
    const state = answer.kind === "ok" ? answer.fields.state : undefined;
    if (state === "absent") return undefined;
    if (state === undefined || !STATES.has(state)) {
      throw new Error(`${h.name}: "${command}" gave ${brief(answer)}`);
    }
    return {
      local: tuple.local,
      remote: tuple.remote,
      state: state as TcpState,
      receiveQueue: Number(answer.fields.rxq),
      inode: Number(answer.fields.inode),
    };
  };
}
