/**
 * After a run, pass or fail or timeout, nothing of the kit may be left: no
 * helper or tcpdump process, and no loopback connection beyond TIME_WAIT
 * (TIME_WAIT is TCP doing its job; anything else is a socket somebody forgot).
 *
 * Only the run's own processes count: the kit gives every process it
 * starts the run's id (`CLOSEWAIT_RUN_ID`, inherited by the helpers and
 * tcpdump), and a candidate is this run's only if its environment
 * (`/proc/<pid>/environ`) carries that id. A tcpdump somebody else runs on
 * the machine is not the kit's business.
 *
 * @module
 */

import { readStateTable, type StateRow } from "../sockets/state.ts";
import { RUN_ID_ENV } from "../runner/kit_test_runner.ts";

/** A process the kit starts, found still running. */
export interface LeftoverProcess {
  /** Process id. */
  pid: number;
  /** Its command name (`comm`, at most 15 characters on Linux). */
  name: string;
}

/**
 * Whether process `pid` was started by run `runId`: its environment has
 * `CLOSEWAIT_RUN_ID=<runId>`. `undefined` when its environment cannot be
 * read (gone, another user's, or no `/proc`).
 *
 * @example
 * ```ts ignore
 * import { startedByRun } from "./leak_check.ts";
 * console.log(await startedByRun(Deno.pid, "some-id")); // false
 * ```
 */
export async function startedByRun(
  pid: number,
  runId: string,
): Promise<boolean | undefined> {
  // Read with cat, which the kit may run anyway (the state table is read
  // the same way), rather than widening its read permission to /proc.
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command("cat", {
      args: [`/proc/${pid}/environ`],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
      signal: AbortSignal.timeout(5000),
    }).output();
  } catch {
    return undefined;
  }
  if (!out.success) return undefined;
  return new TextDecoder().decode(out.stdout).split("\0")
    .includes(`${RUN_ID_ENV}=${runId}`);
}

/** What {@linkcode findLeftovers} found. */
export interface Leftovers {
  /**
   * Helper and tcpdump processes still running with no deno above them;
   * given a run id, only those of that run.
   */
  processes: LeftoverProcess[];
  /**
   * Loopback connections that appeared during the run, are not TIME_WAIT,
   * are held by no descriptor (orphans), and are still there a moment later.
   */
  connections: StateRow[];
  /** Why a check could not be made, if one could not. */
  unchecked: string[];
}

/** Command names of the processes the kit starts (`comm` is cut at 15). */
const KIT_PROCESSES = ["closewait-helpe", "closewait-helper", "tcpdump"];

/**
 * Picks, out of `ps -eo pid=,ppid=,comm=` output, the kit's processes
 * (helpers, tcpdump) that no `deno` process is an ancestor of: a run's own
 * children always have one, so these outlived the run that started them.
 * Another kit run going on at the same time keeps its deno, and is not
 * counted.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { orphanedKitProcesses } from "./leak_check.ts";
 * const ps = "1 0 init\n10 1 deno\n11 10 closewait-helpe\n20 1 timeout\n21 20 tcpdump\n";
 * assertEquals(orphanedKitProcesses(ps), [{ pid: 21, name: "tcpdump" }]);
 * ```
 */
export function orphanedKitProcesses(text: string): LeftoverProcess[] {
  const rows = new Map<number, { ppid: number; name: string }>();
  for (const line of text.split("\n")) {
    const m = /^\s*(\d+)\s+(\d+)\s+(.+?)\s*$/.exec(line);
    if (m) rows.set(Number(m[1]), { ppid: Number(m[2]), name: m[3] });
  }
  const underDeno = (pid: number): boolean => {
    for (let p = rows.get(pid)?.ppid, hops = 0; p && hops < 64; hops++) {
      const row = rows.get(p);
      if (!row) return false;
      if (row.name === "deno") return true;
      p = row.ppid;
    }
    return false;
  };
  return [...rows].filter(([pid, r]) =>
    KIT_PROCESSES.includes(r.name) && !underDeno(pid)
  )
    .map(([pid, r]) => ({ pid, name: r.name }));
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
 * the run's; TIME_WAIT ones are allowed. With `runId`, only the processes
 * of that run count (see {@linkcode startedByRun}); one whose environment
 * cannot be read is listed under `unchecked`.
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
  settleMs = 200,
  runId?: string,
): Promise<Leftovers> {
  const unchecked: string[] = [];
  const known = new Set(before.map(key));
  const suspects = async () =>
    (await loopbackConnections()).filter((r) =>
      r.state !== "TIME_WAIT" && !known.has(key(r)) && !r.inode
    );
  let connections: StateRow[] = [];
  try {
    // A connection of another run passes through such states for
    // microseconds; a leak is still there after a moment.
    const first = await suspects();
    if (first.length > 0) {
      await new Promise((r) => setTimeout(r, settleMs));
      const seen = new Set(first.map(key));
      connections = (await suspects()).filter((r) => seen.has(key(r)));
    }
  } catch (e) {
    unchecked.push(`state table: ${(e as Error).message}`);
  }
  let processes: LeftoverProcess[] = [];
  try {
    const out = await new Deno.Command("ps", {
      args: ["-eo", "pid=,ppid=,comm="],
      stdout: "piped",
      stderr: "null",
      stdin: "null",
    }).output();
    processes = orphanedKitProcesses(new TextDecoder().decode(out.stdout));
    if (runId !== undefined) {
      const ours: LeftoverProcess[] = [];
      for (const p of processes) {
        const mine = await startedByRun(p.pid, runId);
        if (mine) ours.push(p);
        else if (mine === undefined) {
          unchecked.push(
            `${p.name} ${p.pid} (its environment is not readable, so whose it is is unknown)`,
          );
        }
      }
      processes = ours;
    }
  } catch (e) {
    unchecked.push(`processes (ps): ${(e as Error).message}`);
  }
  return { processes, connections, unchecked };
}
