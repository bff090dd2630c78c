/**
 * tcpdump's text output for TCP, parsed into {@linkcode Segment}s.
 *
 * The capture runs `tcpdump -n -tt -S` (numeric addresses, epoch
 * timestamps, absolute sequence numbers), which prints one line per
 * segment:
 *
 * ```text
 * 1795869121.345144230 IP 127.0.0.1.45001 > 127.0.0.1.40300: Flags [P.], seq 3011052624:3011052627, ack 2789065778, win 64, options [...], length 3
 * ```
 *
 * Only the fields a wire expectation needs are read: time, family,
 * endpoints, flags, seq, ack, window and payload length. That line format
 * has been stable since tcpdump 4.0; the parser accepts µs (`-tt`) and ns
 * (`--time-stamp-precision=nano`) timestamps. Sequence numbers are made
 * relative here (against each side's SYN), not by tcpdump, so they do not
 * depend on tcpdump's per-flow state.
 *
 * @module
 */

import type { Endpoint } from "../address/mod.ts";
import type { Segment } from "./segment.ts";

/** One TCP segment as tcpdump printed it (absolute numbers). */
export interface TcpdumpPacket {
  /** Capture time in ns since the epoch. */
  timeNs: bigint;
  /** `IP` (IPv4) or `IP6`. */
  family: "IP" | "IP6";
  /** Sender. */
  src: Endpoint;
  /** Receiver. */
  dst: Endpoint;
  /** Flags in tcpdump's notation: `S`, `S.`, `.`, `P.`, `F.`, `R`, `R.`, ... */
  flags: string;
  /** Absolute sequence number; tcpdump omits it on pure ACKs. */
  seq?: number;
  /** Absolute acknowledgment number, when printed. */
  ack?: number;
  /** Advertised window (scaled value as on the wire). */
  win?: number;
  /** Payload length in bytes. */
  len: number;
  /** The line it came from. */
  line: string;
}

const LINE =
  /^(\d+)\.(\d{6}|\d{9}) (IP6?) (\S+)\.(\d+) > (\S+)\.(\d+): Flags \[([^\]]*)\](.*)$/;

function field(rest: string, name: string): string | undefined {
  return new RegExp(`, ${name} ([\\d:]+)`).exec(rest)?.[1];
}

/**
 * Parses one line of `tcpdump -n -tt -S` output; `undefined` for a line that
 * is not a TCP segment (tcpdump's banner, statistics, other protocols).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseTcpdumpLine } from "./tcpdump_text.ts";
 * const p = parseTcpdumpLine(
 *   "1795869121.345152221 IP 127.0.0.1.40300 > 127.0.0.1.45001: Flags [R], seq 2789065778, win 0, length 0",
 * );
 * assertEquals([p?.flags, p?.src.port, p?.seq, p?.len], ["R", 40300, 2789065778, 0]);
 * ```
 */
export function parseTcpdumpLine(line: string): TcpdumpPacket | undefined {
  const m = LINE.exec(line.trimEnd());
  if (!m) return undefined;
  const [, sec, frac, family, srcAddr, srcPort, dstAddr, dstPort, flags, rest] =
    m;
  const seq = field(rest, "seq");
  const ack = field(rest, "ack");
  const win = field(rest, "win");
  const len = field(rest, "length");
  return {
    timeNs: BigInt(sec) * 1_000_000_000n + BigInt(frac.padEnd(9, "0")),
    family: family as "IP" | "IP6",
    src: { address: srcAddr, port: Number(srcPort) },
    dst: { address: dstAddr, port: Number(dstPort) },
    flags,
    seq: seq === undefined ? undefined : Number(seq.split(":")[0]),
    ack: ack === undefined ? undefined : Number(ack),
    win: win === undefined ? undefined : Number(win),
    len: len === undefined ? 0 : Number(len),
    line,
  };
}

/**
 * Parses every TCP line of tcpdump's text output, in order, skipping the
 * rest.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseTcpdumpText } from "./tcpdump_text.ts";
 * const text = "listening on lo, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n" +
 *   "1795869121.345067628 IP 127.0.0.1.40300 > 127.0.0.1.45001: Flags [S], seq 2789065776, win 65495, length 0\n";
 * assertEquals(parseTcpdumpText(text).map((p) => p.flags), ["S"]);
 * ```
 */
export function parseTcpdumpText(text: string): TcpdumpPacket[] {
  return text.split("\n").map(parseTcpdumpLine).filter((p) => p !== undefined);
}

/** One TCP connection of a capture, its segments seen from the wire. */
export interface Connection {
  /** The connecting end (the side that is not the listening endpoint). */
  client: Endpoint;
  /** The listening end. */
  server: Endpoint;
  /** Its segments in capture order, relative numbers, ms since its first. */
  segments: Segment[];
  /** Capture time of its first segment, ns since the epoch (CLOCK_REALTIME). */
  startNs: bigint;
}

function key(e: Endpoint): string {
  return `${e.address}|${e.port}`;
}

function same(a: Endpoint, b: Endpoint): boolean {
  return a.port === b.port && a.address === b.address;
}

const MOD = 2 ** 32;

/**
 * Groups packets into connections to `server` (the listening endpoint;
 * when omitted, the destination of the first SYN), in order of their first
 * segment, and turns them into {@linkcode Segment}s: direction resolved by
 * the server's endpoint, time in ms since the connection's first segment,
 * sequence numbers relative to the sender's SYN (a SYN is `seq 0`, the
 * first data byte `seq 1`), acknowledgments relative to the receiver's SYN.
 *
 * A pure ACK, for which tcpdump prints no sequence number, gets the
 * sender's next sequence number (what the kernel puts there). A side whose
 * SYN was not captured is made relative to the first number that refers to
 * it, minus one; captures made by {@linkcode Capture} always hold the SYNs.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { connectionsOf, parseTcpdumpText } from "./tcpdump_text.ts";
 * const [c] = connectionsOf(parseTcpdumpText([
 *   "1.000000 IP 127.0.0.1.40300 > 127.0.0.1.45001: Flags [S], seq 100, win 65495, length 0",
 *   "1.000013 IP 127.0.0.1.45001 > 127.0.0.1.40300: Flags [S.], seq 900, ack 101, win 65483, length 0",
 * ].join("\n")));
 * assertEquals(c.segments.map((s) => [s.from, s.flags, s.seq, s.ack]), [
 *   ["client", "S", 0, undefined],
 *   ["server", "S.", 0, 1],
 * ]);
 * ```
 */
export function connectionsOf(
  packets: readonly TcpdumpPacket[],
  server?: Endpoint,
): Connection[] {
  const listening = server ??
    packets.find((p) => p.flags === "S")?.dst;
  if (!listening) return [];
  const groups = new Map<string, TcpdumpPacket[]>();
  for (const p of packets) {
    const client = same(p.src, listening)
      ? p.dst
      : same(p.dst, listening)
      ? p.src
      : undefined;
    if (!client) continue;
    const k = key(client);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(p);
  }
  return [...groups.values()].map((group) => {
    const first = group[0];
    const client = same(first.src, listening) ? first.dst : first.src;
    return {
      client,
      server: listening,
      segments: relative(group, listening),
      startNs: first.timeNs,
    };
  });
}

function relative(
  group: readonly TcpdumpPacket[],
  server: Endpoint,
): Segment[] {
  type Side = "client" | "server";
  const sideOf = (p: TcpdumpPacket): Side =>
    same(p.src, server) ? "server" : "client";
  const other = (s: Side): Side => s === "client" ? "server" : "client";
  // Each side's initial sequence number: its SYN's, else the first number
  // that refers to it (its own seq, or the other side's ack) minus one.
  const isn: Partial<Record<Side, number>> = {};
  for (const p of group) {
    const from = sideOf(p);
    if (p.flags.includes("S") && p.seq !== undefined) isn[from] ??= p.seq;
  }
  for (const p of group) {
    const from = sideOf(p);
    if (p.seq !== undefined) isn[from] ??= (p.seq - 1 + MOD) % MOD;
    if (p.ack !== undefined) isn[other(from)] ??= (p.ack - 1 + MOD) % MOD;
  }
  const rel = (side: Side, abs: number) => (abs - isn[side]! + MOD) % MOD;
  const next: Partial<Record<Side, number>> = {};
  const t0 = group[0].timeNs;
  return group.map((p) => {
    const from = sideOf(p);
    const seq = p.seq !== undefined
      ? rel(from, p.seq)
      : next[from] ?? (isn[from] === undefined ? 0 : 1);
    next[from] = seq + p.len + (p.flags.includes("S") ? 1 : 0) +
      (p.flags.includes("F") ? 1 : 0);
    const segment: Segment = {
      t: Number(p.timeNs - t0) / 1e6,
      from,
      flags: p.flags,
      seq,
      len: p.len,
    };
    if (p.ack !== undefined && isn[other(from)] !== undefined) {
      segment.ack = rel(other(from), p.ack);
    }
    return segment;
  });
}
