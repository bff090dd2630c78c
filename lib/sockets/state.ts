/**
 * TCP connection states as `ss`/`netstat` show them, by 4-tuple.
 *
 * Linux reads `/proc/net/tcp` and `/proc/net/tcp6`; macOS and FreeBSD parse
 * `netstat -an -p tcp`; Windows parses `netstat -an`. Every platform's state
 * names are normalised to Linux's (`FIN_WAIT2`, `SYN_RECV`, `CLOSE`), and a
 * connection that is not listed at all is `"absent"`: the kernel has freed it.
 *
 * @module
 */

import {
  canonicalAddress,
  type Endpoint,
  sameEndpoint,
  type Tuple,
} from "../address/mod.ts";
import { currentPlatform } from "../platform/platform.ts";

/** A TCP state name in the kit's (Linux) vocabulary, or `"absent"`. */
export type TcpState =
  | "ESTABLISHED"
  | "SYN_SENT"
  | "SYN_RECV"
  | "FIN_WAIT1"
  | "FIN_WAIT2"
  | "TIME_WAIT"
  | "CLOSE"
  | "CLOSE_WAIT"
  | "LAST_ACK"
  | "LISTEN"
  | "CLOSING"
  | "NEW_SYN_RECV"
  | "absent";

/** One row of a state table. */
export interface StateRow extends Tuple {
  /** The state, normalised. */
  state: TcpState;
  /** Bytes received and not yet read (Recv-Q), where the table shows it. */
  receiveQueue?: number;
  /**
   * The socket's inode (Linux): 0 when no descriptor holds it any more (an
   * orphan the kernel finishes alone, e.g. FIN_WAIT2 after close()).
   */
  inode?: number;
}

const LINUX_STATES: Record<number, TcpState> = {
  1: "ESTABLISHED",
  2: "SYN_SENT",
  3: "SYN_RECV",
  4: "FIN_WAIT1",
  5: "FIN_WAIT2",
  6: "TIME_WAIT",
  7: "CLOSE",
  8: "CLOSE_WAIT",
  9: "LAST_ACK",
  10: "LISTEN",
  11: "CLOSING",
  12: "NEW_SYN_RECV",
};

/** BSD and Windows spellings mapped to the kit's names. */
const OTHER_SPELLINGS: Record<string, TcpState> = {
  ESTABLISHED: "ESTABLISHED",
  SYN_SENT: "SYN_SENT",
  SYN_RCVD: "SYN_RECV",
  SYN_RECEIVED: "SYN_RECV",
  FIN_WAIT_1: "FIN_WAIT1",
  FIN_WAIT_2: "FIN_WAIT2",
  TIME_WAIT: "TIME_WAIT",
  CLOSED: "CLOSE",
  CLOSE_WAIT: "CLOSE_WAIT",
  LAST_ACK: "LAST_ACK",
  LISTEN: "LISTEN",
  LISTENING: "LISTEN",
  CLOSING: "CLOSING",
};

function hostLittleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

/** Decodes a `/proc/net/tcp{,6}` address word group (host byte order words). */
function procAddress(hex: string, littleEndian: boolean): string {
  const bytes: number[] = [];
  for (let w = 0; w < hex.length; w += 8) {
    const word = hex.slice(w, w + 8).match(/../g)!.map((b) => parseInt(b, 16));
    bytes.push(...(littleEndian ? word.reverse() : word));
  }
  if (bytes.length === 4) return bytes.join(".");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) {
    groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  }
  return canonicalAddress(groups.join(":"));
}

/**
 * Parses Linux's `/proc/net/tcp` or `/proc/net/tcp6` text (or both, one
 * after the other, header lines included).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseProcNetTcp } from "./state.ts";
 * const text = "  sl  local_address rem_address   st\n" +
 *   "   0: 0100007F:1F90 0100007F:C350 08 00000000:00000000 00:00000000 00000000 0 0 1 1\n";
 * assertEquals(parseProcNetTcp(text)[0].state, "CLOSE_WAIT");
 * ```
 */
export function parseProcNetTcp(
  text: string,
  littleEndian: boolean = hostLittleEndian(),
): StateRow[] {
  const rows: StateRow[] = [];
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4 || !/^\d+:$/.test(f[0])) continue; // headers
    const [la, lp] = f[1].split(":");
    const [ra, rp] = f[2].split(":");
    const state = LINUX_STATES[parseInt(f[3], 16)];
    if (!state || !lp || !rp) continue;
    const rx = parseInt(f[4]?.split(":")[1] ?? "", 16);
    const inode = Number(f[9]);
    rows.push({
      receiveQueue: Number.isNaN(rx) ? undefined : rx,
      inode: Number.isInteger(inode) ? inode : undefined,
      local: { address: procAddress(la, littleEndian), port: parseInt(lp, 16) },
      remote: {
        address: procAddress(ra, littleEndian),
        port: parseInt(rp, 16),
      },
      state,
    });
  }
  return rows;
}

/** `127.0.0.1.8080` / `::1.8080` (BSD netstat) → endpoint; `*.*` → null. */
function bsdEndpoint(text: string): Endpoint | null {
  const dot = text.lastIndexOf(".");
  const port = Number(text.slice(dot + 1));
  if (dot <= 0 || !Number.isInteger(port)) return null;
  return { address: text.slice(0, dot), port };
}

/**
 * Parses `netstat -an -p tcp` output from macOS or FreeBSD.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseNetstatBsd } from "./state.ts";
 * const rows = parseNetstatBsd(
 *   "tcp4  0  0  127.0.0.1.8080  127.0.0.1.50000  FIN_WAIT_2\n",
 * );
 * assertEquals(rows[0].state, "FIN_WAIT2");
 * ```
 */
export function parseNetstatBsd(text: string): StateRow[] {
  const rows: StateRow[] = [];
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (!/^tcp(4|6|46)?$/.test(f[0] ?? "") || f.length < 6) continue;
    const local = bsdEndpoint(f[3]);
    const remote = bsdEndpoint(f[4]);
    const state = OTHER_SPELLINGS[f[5]];
    if (local && remote && state) {
      rows.push({ local, remote, state, receiveQueue: Number(f[1]) });
    }
  }
  return rows;
}

/** `127.0.0.1:80` / `[::1]:80` (Windows netstat) → endpoint. */
function windowsEndpoint(text: string): Endpoint | null {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(text);
  return m ? { address: m[1], port: Number(m[2]) } : null;
}

/**
 * Parses `netstat -an` output from Windows (TCP rows only).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseNetstatWindows } from "./state.ts";
 * const rows = parseNetstatWindows(
 *   "  TCP    [::1]:49672    [::1]:49673    CLOSE_WAIT\n",
 * );
 * assertEquals(rows[0].local, { address: "::1", port: 49672 });
 * ```
 */
export function parseNetstatWindows(text: string): StateRow[] {
  const rows: StateRow[] = [];
  for (const line of text.split(/\r?\n/)) {
    const f = line.trim().split(/\s+/);
    if (f[0] !== "TCP" || f.length < 4) continue;
    const local = windowsEndpoint(f[1]);
    const remote = windowsEndpoint(f[2]);
    const state = OTHER_SPELLINGS[f[3]];
    if (local && remote && state) rows.push({ local, remote, state });
  }
  return rows;
}

/**
 * Runs a table-printing command and returns its stdout. With `partialOk`, a
 * failure that still printed something is accepted (`cat` exits 1 on a
 * kernel without IPv6, after printing the IPv4 table).
 */
async function command(
  cmd: string,
  args: string[],
  partialOk = false,
): Promise<string> {
  const out = await new Deno.Command(cmd, {
    args,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success && !(partialOk && text)) {
    throw new Error(
      `${cmd} ${args.join(" ")} exited ${out.code}: ${
        new TextDecoder().decode(out.stderr).trim()
      }`,
    );
  }
  return text;
}

/** Reads the whole TCP state table of this machine. */
export async function readStateTable(): Promise<StateRow[]> {
  switch (currentPlatform().os) {
    case "linux":
      // Deno grants /proc/self/* reads only with --allow-all, so a child reads it.
      return parseProcNetTcp(
        await command("cat", ["/proc/net/tcp", "/proc/net/tcp6"], true),
      );
    case "darwin":
    case "freebsd":
      return parseNetstatBsd(await command("netstat", ["-an", "-p", "tcp"]));
    case "windows":
      return parseNetstatWindows(await command("netstat", ["-an"]));
    default:
      throw new Error(`no socket-state probe for ${Deno.build.os}`);
  }
}

/**
 * Reads the row of one connection, or `undefined` when the kernel lists
 * none: {@linkcode tableRowReader} reads the whole table each time;
 * `helperRowReader()` asks a running C helper, which costs no process start.
 */
export type RowReader = (tuple: Tuple) => Promise<StateRow | undefined>;

/** A {@linkcode RowReader} that reads the whole state table each time. */
export async function tableRowReader(
  tuple: Tuple,
): Promise<StateRow | undefined> {
  return rowOf(await readStateTable(), tuple);
}

/** Finds the row of `tuple`, if the table lists it. */
export function rowOf(rows: StateRow[], tuple: Tuple): StateRow | undefined {
  return rows.find((r) =>
    sameEndpoint(r.local, tuple.local) && sameEndpoint(r.remote, tuple.remote)
  );
}

/** Finds the state of `tuple` in rows, or `"absent"`. */
export function stateOf(rows: StateRow[], tuple: Tuple): TcpState {
  return rowOf(rows, tuple)?.state ?? "absent";
}

/**
 * Waits until `bytes` or more sit unread in the receive queue of `tuple`
 * (so a case knows the data arrived before it acts on it). Returns the
 * queue length last seen, or `undefined` where the table has no Recv-Q.
 */
export async function waitForReceiveQueue(
  tuple: Tuple,
  bytes: number,
  timeoutMs: number,
  read: RowReader = tableRowReader,
): Promise<{ queued: number | undefined; reached: boolean; waitedMs: number }> {
  const start = performance.now();
  let pause = 0;
  while (true) {
    const queued = (await read(tuple))?.receiveQueue;
    const waitedMs = performance.now() - start;
    if (queued !== undefined && queued >= bytes) {
      return { queued, reached: true, waitedMs };
    }
    if (queued === undefined && currentPlatform().os === "windows") {
      return { queued, reached: false, waitedMs };
    }
    if (waitedMs >= timeoutMs) return { queued, reached: false, waitedMs };
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(20, pause * 2 || 1);
  }
}

/**
 * The current state of one connection, as `ss` would show it.
 *
 * @example
 * ```ts ignore
 * import { socketState } from "./state.ts";
 * const state = await socketState({
 *   local: { address: "127.0.0.1", port: 8080 },
 *   remote: { address: "127.0.0.1", port: 50000 },
 * }); // e.g. "CLOSE_WAIT"
 * ```
 */
export async function socketState(
  tuple: Tuple,
  read: RowReader = tableRowReader,
): Promise<TcpState> {
  return (await read(tuple))?.state ?? "absent";
}

/** What {@linkcode waitForState} saw. */
export interface StateWait {
  /** The last state read: the wanted one, or whatever it was at the deadline. */
  state: TcpState;
  /** Whether a wanted state was reached before the deadline. */
  reached: boolean;
  /** Milliseconds from the call to the last read. */
  waitedMs: number;
  /** Distinct states seen, in order (e.g. `["FIN_WAIT1", "FIN_WAIT2"]`). */
  seen: TcpState[];
}

/**
 * Polls the state table until `tuple` is in one of `want` or `timeoutMs`
 * passes. Reads back to back at first and backs off to 20 ms, so a fast
 * transition is caught within a read or two and a slow one costs little.
 *
 * @example Wait for the closer to reach FIN_WAIT2 (never read a state once)
 * ```ts ignore
 * import { waitForState } from "./state.ts";
 * declare const clientTuple: import("./state.ts").Tuple;
 * const w = await waitForState(clientTuple, ["FIN_WAIT2"], 2000);
 * if (!w.reached) console.log(`still ${w.state} after ${w.waitedMs} ms`);
 * ```
 */
export async function waitForState(
  tuple: Tuple,
  want: readonly TcpState[],
  timeoutMs: number,
  read: RowReader = tableRowReader,
): Promise<StateWait> {
  const start = performance.now();
  const seen: TcpState[] = [];
  let pause = 0;
  while (true) {
    const state = await socketState(tuple, read);
    if (seen.at(-1) !== state) seen.push(state);
    const waitedMs = performance.now() - start;
    if (want.includes(state)) return { state, reached: true, waitedMs, seen };
    if (waitedMs >= timeoutMs) return { state, reached: false, waitedMs, seen };
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(20, pause * 2 || 1);
  }
}
