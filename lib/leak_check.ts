/**
 * After a run, pass or fail or timeout, nothing of the kit may be left: no
 * helper or tcpdump process, and no loopback connection beyond TIME_WAIT
 * (TIME_WAIT is TCP doing its job; anything else is a socket somebody forgot).
 *
 * @module
 */

import { readStateTable, type StateRow } from "./socket_state.ts";

/** A process the kit starts, found still running. */
export interface LeftoverProcess {
  /** Process id. */
  pid: number;
  /** Its command name (`comm`, at most 15 characters on Linux). */
  name: string;
}

/** What {@linkcode findLeftovers} found. */
export interface Leftovers {
  /** Helper and tcpdump processes still running. */
  processes: LeftoverProcess[];
  /** Loopback connections that appeared during the run and are not TIME_WAIT. */
  connections: StateRow[];
  /** Why a check could not be made, if one could not. */
  unchecked: string[];
}

/** Command names of the processes the kit starts (`comm` is cut at 15). */
const KIT_PROCESSES = ["closewait-helpe", "closewait-helper", "tcpdump"];

/**
 * Picks the kit's processes out of `ps -eo pid=,comm=` output.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parsePs } from "./leak_check.ts";
 * assertEquals(parsePs("  1 init\n 42 closewait-helpe\n 43 tcpdump\n"), [
 *   { pid: 42, name: "closewait-helpe" },
 *   { pid: 43, name: "tcpdump" },
 * ]);
 * ```
 */
export function parsePs(text: string): LeftoverProcess[] {
  const found: LeftoverProcess[] = [];
  for (const line of text.split("\n")) {
    const m = /^\s*(\d+)\s+(.+?)\s*$/.exec(line);
    if (m && KIT_PROCESSES.includes(m[2])) {
      found.push({ pid: Number(m[1]), name: m[2] });
    }
  }
  return found;
}

function isLoopback(address: string): boolean {
  return address.startsWith("127.") ||
    address === "0000:0000:0000:0000:0000:0000:0000:0001";
}

function key(r: StateRow): string {
  return `${r.local.address}|${r.local.port}|${r.remote.address}|${r.remote.port}`;
}

/** The loopback connections (not listeners) in the state table now. */
export async function loopbackConnections(): Promise<StateRow[]> {
  return (await readStateTable()).filter((r) =>
    r.state !== "LISTEN" && isLoopback(r.local.address)
  );
}

/**
 * Compares the state table with a snapshot from before the run, and lists
 * the kit's processes still running. Connections present before are not
 * the run's; TIME_WAIT ones are allowed.
 *
 * @example
 * ```ts ignore
 * import { findLeftovers, loopbackConnections } from "./leak_check.ts";
 * const before = await loopbackConnections();
 * // ... run the kit ...
 * const left = await findLeftovers(before);
 * ```
 */
export async function findLeftovers(
  before: readonly StateRow[],
): Promise<Leftovers> {
  const unchecked: string[] = [];
  const known = new Set(before.map(key));
  let connections: StateRow[] = [];
  try {
    connections = (await loopbackConnections()).filter((r) =>
      r.state !== "TIME_WAIT" && !known.has(key(r))
    );
  } catch (e) {
    unchecked.push(`state table: ${(e as Error).message}`);
  }
  let processes: LeftoverProcess[] = [];
  try {
    const out = await new Deno.Command("ps", {
      args: ["-eo", "pid=,comm="],
      stdout: "piped",
      stderr: "null",
      stdin: "null",
    }).output();
    processes = parsePs(new TextDecoder().decode(out.stdout));
  } catch (e) {
    unchecked.push(`processes (ps): ${(e as Error).message}`);
  }
  return { processes, connections, unchecked };
}
