import { assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import type { Segment } from "../wire/segment.ts";
import type { PeerCall, SutCall } from "./calls.ts";
import { alignment, orderEvents } from "./timeline.ts";

const MS = 1e6; // ns

function seg(
  t: number,
  from: "client" | "server",
  flags: string,
  seq: number,
  ack?: number,
  len = 0,
): Segment {
  return { t, from, flags, seq, len, ...(ack === undefined ? {} : { ack }) };
}

function call(
  name: string,
  line: string,
  t0: number,
  t1: number,
  extra: Partial<SutCall> = {},
): SutCall {
  return {
    command: name,
    t0: t0 * MS,
    t1: t1 * MS,
    waits: ["read", "poll", "accept"].includes(name),
    lines: [line],
    name,
    ret: Number(line.split("= ")[1]),
    ...extra,
  };
}

// The client connects, then shuts its side down at 5 ms; the server reads
// EOF. On a loaded machine connect() returned 16 ms after it started.
const segments = [
  seg(0, "client", "S", 0),
  seg(0.01, "server", "S.", 0, 1),
  seg(0.02, "client", ".", 1, 1),
  seg(5.0, "client", "F.", 1, 1),
];
const connect = {
  command: "connect 127.0.0.1 4000",
  answer: "ok ret=4 fd=4",
  kind: "ok" as const,
  ret: 4,
  t0Ns: -0.001 * MS,
  t1Ns: 16 * MS,
};
const peerCalls: PeerCall[] = [
  {
    name: "shutdown",
    command: "shutdown 4 wr",
    ret: 0,
    t0: 4.995 * MS,
    t1: 5.004 * MS,
  },
];
const calls = [call("read", "read(4, ..., 16) = 0", 5.002, 5.01)];

Deno.test("alignment() narrows the clocks' offset with every call the capture shows", () => {
  const wide = alignment(segments, { connect, calls: [], peerCalls: [] });
  const narrow = alignment(segments, { connect, calls, peerCalls });
  // The handshake alone: the SYN left after connect() started (offset ≤
  // 1 µs), its ACK before connect() returned (offset ≥ 0.02 − 16 ms).
  assertAlmostEquals(wide.uncertainty, (1_000 + 15_980_000) / 2, 1);
  // The FIN the client's shutdown() caused (offset ≤ 5 µs) and the server's
  // read() observed (offset ≥ −10 µs) leave 5.5 µs of doubt.
  assertAlmostEquals(narrow.uncertainty, (1_000 + 10_000) / 2, 1);
  assertAlmostEquals(narrow.offset, (1_000 - 10_000) / 2, 1);
});

Deno.test("orderEvents() puts a read() after the FIN it returned 0 for, even on a late connect()", () => {
  const { events } = orderEvents(segments, { connect, calls, peerCalls });
  assertEquals(
    events.map((e) =>
      e.kind === "call"
        ? e.call.name
        : `${e.segment.from[0]}:${e.segment.flags}`
    ),
    ["c:S", "s:S.", "c:.", "c:F.", "read"],
  );
});

Deno.test("orderEvents() puts a write() before the data it sent and the RST that data drew", () => {
  const more = [
    ...segments,
    seg(6.0, "server", "P.", 1, 2, 3),
    seg(6.001, "client", "R", 2),
  ];
  const { events } = orderEvents(more, {
    connect,
    peerCalls,
    calls: [
      ...calls,
      call("write", "write(4, ..., 3) = 3", 5.999, 6.003),
      call("poll", "poll(...) = 1", 6.004, 6.01, { revents: "POLLERR" }),
    ],
  });
  assertEquals(
    events.slice(4).map((e) =>
      e.kind === "call"
        ? e.call.name
        : `${e.segment.from[0]}:${e.segment.flags}`
    ),
    ["read", "write", "s:P.", "c:R", "poll"],
  );
});

Deno.test("alignment() needs the connect() that opened the connection", () => {
  assertThrows(
    () => alignment(segments, { connect: undefined, calls, peerCalls }),
    Error,
    "no helper connect()",
  );
});

Deno.test("orderEvents() puts a pure ACK the clocks cannot place before the write() it would have ridden on", () => {
  // The server ACKed the FIN on its own at 5.5 ms and wrote at about the
  // same time: had the ACK still been pending, it would have ridden on the
  // data, so it left before the write().
  const more = [
    ...segments,
    seg(5.5, "server", ".", 1, 2),
    seg(5.6, "server", "P.", 1, 2, 5),
  ];
  const { events } = orderEvents(more, {
    connect,
    peerCalls,
    calls: [...calls, call("write", "write(4, ..., 5) = 5", 5.45, 5.65)],
  });
  assertEquals(
    events.slice(4).map((e) =>
      e.kind === "call"
        ? e.call.name
        : `${e.segment.from[0]}:${e.segment.flags}`
    ),
    ["read", "s:.", "write", "s:P."],
  );
});
