/**
 * One ordered story from two clocks: the system under test's calls
 * (CLOCK_MONOTONIC, ns since the case's first helper call) and the
 * captured segments (ms since the capture's first segment).
 *
 * The two are aligned on the handshake: the client's SYN leaves after its
 * connect() started and its ACK before connect() returned, which pins the
 * offset between the clocks to within the call's own overhead (a few µs).
 * Then each call is placed by what it does, not only by its clock:
 *
 * - a call that may wait (read, poll, accept) goes after every injected
 *   segment that arrived before it returned, so it never blocks in the
 *   script: the peer's FIN comes first, then `read() = 0`;
 * - any other call goes before the system under test's segments sent
 *   while it ran (the data a write() sends, the FIN or RST of a close());
 * - the system under test's data and FIN go after the calls that produced
 *   them, whatever the clocks say.
 *
 * Retransmissions (a segment of the system under test repeating an
 * earlier one exactly, which only a loaded machine's loopback produces)
 * and the peer's repeated RST answering them are left out, with a note.
 *
 * @module
 */

import type { Segment } from "../wire/segment.ts";
import { NotExpressible, type Roles, type SutCall } from "./calls.ts";

/** One line-to-be of the script. */
export type Event =
  | { kind: "call"; call: SutCall; at: number }
  | { kind: "segment"; segment: Segment; inbound: boolean; at: number };

/** The ordered story, and what was left out of it. */
export interface Timeline {
  /** Events in script order. */
  events: Event[];
  /** Segments left out, with why (for comments in the script). */
  leftOut: string[];
  /** Half-width of the clock alignment's uncertainty (ns). */
  alignmentNs: number;
}

/**
 * The offset (ns) to add to a helper time to get capture time, and its
 * uncertainty. Every call whose segment the capture shows bounds it: a
 * segment a call caused (the SYN of connect(), the data of write(), the
 * FIN of close() or shutdown(), the RST of an exit) left after the call
 * started; a segment a call observed (the handshake's ACK for connect()
 * and accept(), the FIN read() returned 0 for, the RST poll() saw as
 * POLLERR) arrived before the call returned. The offset is the middle of
 * the interval all of them leave.
 */
export function alignment(
  segments: readonly Segment[],
  roles: Pick<Roles, "connect" | "calls" | "peerCalls">,
  sut: "server" | "client" = "server",
): { offset: number; uncertainty: number } {
  const peer = sut === "server" ? "client" : "server";
  const client = sut === "server" ? peer : sut;
  const { connect } = roles;
  const at = (s: Segment) => s.t * 1e6;
  const syn = segments.find((s) => s.from === client && s.flags === "S");
  if (!syn) {
    throw new NotExpressible("the capture holds no SYN of the connection");
  }
  if (connect?.t0Ns === undefined || connect.t1Ns === undefined) {
    throw new NotExpressible(
      "no helper connect() with timestamps to place the calls against the capture",
    );
  }
  const handshakeAck = segments.slice(segments.indexOf(syn) + 1).find((s) =>
    s.from === client && !s.flags.includes("S")
  );
  const upper: number[] = []; // offset ≤ each
  const lower: number[] = []; // offset ≥ each
  const caused = (s: Segment | undefined, t0: number) => {
    if (s) upper.push(at(s) - t0);
  };
  const observed = (s: Segment | undefined, t1: number) => {
    if (s) lower.push(at(s) - t1);
  };
  caused(syn, connect.t0Ns);
  observed(handshakeAck, connect.t1Ns);
  const from = (side: string) => segments.filter((s) => s.from === side);
  const holding = (side: string, byte: number) =>
    from(side).find((s) => s.len > 0 && s.seq <= byte && byte < s.seq + s.len);
  const first = (side: string, flag: string) =>
    from(side).find((s) => s.flags.includes(flag));
  let written = 0;
  let read = 0;
  let closed = false;
  let accepted = false;
  for (const c of roles.calls) {
    if (c.name === "accept") observed(handshakeAck, c.t1);
    if ((c.name === "write" || c.name === "send") && c.ret > 0) {
      caused(holding(sut, written + 1), c.t0);
      written += c.ret;
    }
    if (c.name === "read" && c.ret > 0) {
      observed(holding(peer, read + 1 + c.ret - 1), c.t1);
      read += c.ret;
    }
    if (c.name === "read" && c.ret === 0) observed(first(peer, "F"), c.t1);
    if (c.errno === "ECONNRESET" || c.errno === "ECONNREFUSED") {
      observed(first(peer, "R"), c.t1);
    }
    if (c.name === "poll" && c.revents && !c.onListener) {
      if (/POLLERR/.test(c.revents)) observed(first(peer, "R"), c.t1);
      else if (/POLLRDHUP|POLLHUP/.test(c.revents)) {
        observed(first(peer, "F"), c.t1);
      } else if (/POLLIN/.test(c.revents)) {
        // Readable: the first data or FIN of the peer was in.
        observed(
          from(peer).find((s) => s.len > 0 || s.flags.includes("F")),
          c.t1,
        );
      }
    }
    if (c.name === "accept") accepted = true;
    // Closing the listener ends this connection only while it waits in the
    // backlog; once accepted, the accepted socket's close() does.
    if (!closed && closesSending(c) && !(c.onListener && accepted)) {
      closed = true;
      caused(first(sut, "F") ?? first(sut, "R"), c.t0);
    }
  }
  let peerWritten = 0;
  for (const c of roles.peerCalls) {
    if ((c.name === "write" || c.name === "send") && c.ret > 0) {
      caused(holding(peer, peerWritten + 1), c.t0);
      peerWritten += c.ret;
    }
    if (
      c.name === "close" || c.name === "exit" ||
      (c.name === "shutdown" && !/\srd$/.test(c.command))
    ) {
      caused(
        from(peer).find((s) =>
          s !== syn && (s.flags.includes("F") || s.flags.includes("R"))
        ),
        c.t0,
      );
      break;
    }
  }
  const hi = Math.min(...upper);
  const lo = Math.max(...lower);
  if (lo <= hi) return { offset: (lo + hi) / 2, uncertainty: (hi - lo) / 2 };
  // The calls disagree with the capture (a call mapped to the wrong
  // segment): fall back on the handshake alone.
  const hsHi = at(syn) - connect.t0Ns;
  const hsLo = handshakeAck ? at(handshakeAck) - connect.t1Ns : hsHi;
  return hsLo <= hsHi
    ? { offset: (hsLo + hsHi) / 2, uncertainty: (hsHi - hsLo) / 2 }
    : { offset: hsHi, uncertainty: 0 };
}

function isPureAck(s: Segment): boolean {
  return s.flags === "." && s.len === 0;
}

function sameSegment(a: Segment, b: Segment): boolean {
  return a.from === b.from && a.flags === b.flags && a.seq === b.seq &&
    a.len === b.len && a.ack === b.ack;
}

/** `s:P.(3)`: a segment in the kit's wire notation, for notes. */
export function token(s: Segment): string {
  return `${s.from[0]}:${s.flags}${s.len ? `(${s.len})` : ""}`;
}

/** Bytes a call adds to the system under test's send sequence, if any. */
function bytesSent(call: SutCall): number {
  const m = /^(?:write|send)\(\d+, \.\.\., \d+(?:, \S+)?\) = (\d+)$/.exec(
    call.lines[0] ?? "",
  );
  return m ? Number(m[1]) : 0;
}

function closesSending(call: SutCall): boolean {
  return call.lines.some((l) =>
    /^close\(\d+\) = 0$/.test(l) || /^shutdown\(\d+, SHUT_(WR|RDWR)\)/.test(l)
  );
}

/**
 * Orders the calls of the system under test and the captured segments
 * into the script's story.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { orderEvents } from "./timeline.ts";
 * const seg = (t: number, from: "client" | "server", flags: string, seq: number, ack?: number, len = 0) =>
 *   ({ t, from, flags, seq, ack, len });
 * const call = (line: string, t0: number, t1: number, waits = false) =>
 *   ({ command: line, t0, t1, waits, lines: [line], name: line.split("(")[0], ret: Number(line.split("= ")[1]) });
 * const { events } = orderEvents(
 *   [seg(0, "client", "S", 0), seg(0.01, "server", "S.", 0, 1), seg(0.02, "client", ".", 1, 1),
 *    seg(1, "client", "F.", 1, 1), seg(1.5, "server", "P.", 1, 2, 3), seg(1.51, "client", "R", 2)],
 *   {
 *     connect: { command: "connect 127.0.0.1 4000", answer: "", kind: "ok", ret: 4, t0Ns: -5_000, t1Ns: 25_000 },
 *     calls: [call("accept(3, ..., ...) = 4", 100_000, 110_000, true), call("read(4, ..., 16) = 0", 900_000, 1_200_000, true),
 *       call("write(4, ..., 3) = 3", 1_499_000, 1_520_000), call("poll(...) = 1", 1_521_000, 1_530_000, true)],
 *     peerCalls: [],
 *   },
 * );
 * assertEquals(events.map((e) => e.kind === "call" ? e.call.lines[0].split("(")[0] : `${e.segment.from[0]}:${e.segment.flags}`),
 *   ["c:S", "s:S.", "c:.", "accept", "c:F.", "read", "write", "s:P.", "c:R", "poll"]);
 * ```
 */
export function orderEvents(
  segments: readonly Segment[],
  roles: Pick<Roles, "connect" | "calls" | "peerCalls"> & {
    side?: Roles["side"];
  },
): Timeline {
  const sut = roles.side ?? "server";
  const { offset, uncertainty } = alignment(segments, roles, sut);
  const calls = roles.calls;
  // The alignment honours every call's bounds, so no slack is needed.
  const slack = 0;
  const leftOut: string[] = [];
  const kept: Segment[] = [];
  for (const s of segments) {
    const outbound = s.from === sut;
    if (outbound && kept.some((k) => sameSegment(k, s))) {
      leftOut.push(
        `${token(s)} seq ${s.seq} repeated at +${
          s.t.toFixed(3)
        } ms (a retransmission on the loaded loopback)`,
      );
      continue;
    }
    if (
      !outbound && s.flags.startsWith("R") &&
      kept.some((k) => k.from === s.from && k.flags.startsWith("R"))
    ) {
      leftOut.push(
        `${token(s)} repeated at +${
          s.t.toFixed(3)
        } ms (an RST answering a retransmission)`,
      );
      continue;
    }
    kept.push(s);
  }
  const segs = kept.map((segment) => ({
    kind: "segment" as const,
    segment,
    inbound: segment.from !== sut,
    at: segment.t * 1e6,
  }));
  // A sort key per event: [time, rank]; at equal times a waiting call
  // goes after the segments, any other call before them.
  type Keyed = { event: Event; key: number; rank: number; order: number };
  const keyed: Keyed[] = segs.map((event, i) => ({
    event,
    key: event.at,
    rank: 1,
    order: i,
  }));
  calls.forEach((call, i) => {
    const t0 = call.t0 + offset;
    const t1 = call.t1 + offset;
    let key = t0;
    let rank = 0;
    if (call.waits) {
      const arrived = segs.filter((s) => s.inbound && s.at <= t1 + slack)
        .map((s) => s.at);
      key = Math.max(t0, ...arrived);
      rank = 2;
    } else {
      const sent = segs.filter((s) =>
        !s.inbound && s.at >= t0 - slack && s.at <= t1 + slack
      ).map((s) => s.at);
      if (sent.length) key = Math.min(t0, ...sent);
    }
    keyed.push({
      event: { kind: "call", call, at: t0 },
      key,
      rank,
      order: segs.length + i,
    });
  });
  keyed.sort((a, b) => a.key - b.key || a.rank - b.rank || a.order - b.order);
  const events = acksFirst(repair(keyed.map((k) => k.event), sut));
  return { events, leftOut, alignmentNs: uncertainty };
}

/**
 * Puts a pure ACK of the system under test before a call that does not
 * wait (write, close, shutdown, setsockopt...) when the clocks cannot tell
 * which came first: had the ACK still been pending when such a call sent
 * something, it would have ridden on that segment, so it left before.
 */
function acksFirst(events: Event[]): Event[] {
  const out = [...events];
  for (let i = 1; i < out.length; i++) {
    const e = out[i];
    const before = out[i - 1];
    if (
      e.kind === "segment" && !e.inbound && isPureAck(e.segment) &&
      before.kind === "call" && !before.call.waits && !before.call.check
    ) {
      out[i - 1] = e;
      out[i] = before;
      i = Math.max(0, i - 2);
    }
  }
  return out;
}

/**
 * Moves each data segment or FIN of the system under test after the call
 * that produced it, if the clocks put it earlier, and keeps the calls in
 * their own order.
 */
function repair(events: Event[], sut: "server" | "client"): Event[] {
  const out = [...events];
  for (let i = 0; i < out.length; i++) {
    const e = out[i];
    if (e.kind !== "segment" || e.inbound || isPureAck(e.segment)) continue;
    const s = e.segment;
    if (s.flags.includes("S") || s.from !== sut) continue;
    const needBytes = s.seq - 1 + s.len;
    const needFin = s.flags.includes("F");
    const satisfied = (upTo: number) => {
      let bytes = 0;
      let fin = false;
      for (let j = 0; j < upTo; j++) {
        const c = out[j];
        if (c.kind !== "call") continue;
        bytes += bytesSent(c.call);
        fin ||= closesSending(c.call);
      }
      return bytes >= needBytes && (!needFin || fin);
    };
    if (satisfied(i)) continue;
    const j = out.findIndex((_, k) => k > i && satisfied(k + 1));
    if (j < 0) continue; // no call explains it: left where the clock put it
    out.splice(i, 1);
    out.splice(j, 0, e);
    i--;
  }
  return out;
}
