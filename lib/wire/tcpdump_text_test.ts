import { assertEquals } from "@std/assert";
import {
  connectionsOf,
  parseTcpdumpLine,
  parseTcpdumpText,
} from "./tcpdump_text.ts";

const fixture = (name: string) =>
  Deno.readTextFile(
    new URL(`../../fixtures/captures/${name}`, import.meta.url),
  );

Deno.test("parseTcpdumpLine() reads a data segment with ns time and absolute numbers", () => {
  const p = parseTcpdumpLine(
    "1795869472.033843053 IP 127.0.0.1.37787 > 127.0.0.1.32808: Flags [P.], seq 1900719581:1900719584, ack 1403604588, win 64, options [nop,nop,TS val 415256224 ecr 2590824732], length 3",
  );
  assertEquals(p && { ...p, line: "" }, {
    timeNs: 1795869472033843053n,
    family: "IP",
    src: { address: "127.0.0.1", port: 37787 },
    dst: { address: "127.0.0.1", port: 32808 },
    flags: "P.",
    seq: 1900719581,
    ack: 1403604588,
    win: 64,
    len: 3,
    line: "",
  });
});

Deno.test("parseTcpdumpLine() reads IPv6, µs timestamps and a pure ACK without seq", () => {
  const p = parseTcpdumpLine(
    "1795869473.542394 IP6 ::1.49496 > ::1.36191: Flags [.], ack 2707635856, win 64, options [nop,nop,TS val 2624757805 ecr 2496568977], length 0",
  );
  assertEquals(
    [p?.timeNs, p?.family, p?.src, p?.flags, p?.seq, p?.ack, p?.len],
    [
      1795869473542394000n,
      "IP6",
      { address: "::1", port: 49496 },
      ".",
      undefined,
      2707635856,
      0,
    ],
  );
});

Deno.test("parseTcpdumpLine() skips tcpdump's banner, statistics and other protocols", () => {
  for (
    const line of [
      "listening on lo, link-type EN10MB (Ethernet), snapshot length 262144 bytes",
      "6 packets captured",
      "0 packets dropped by kernel",
      "1795869472.0 IP 127.0.0.1.53 > 127.0.0.1.40000: 1234 1/0/0 A 1.2.3.4 (45)",
      "",
    ]
  ) {
    assertEquals(parseTcpdumpLine(line), undefined, line);
  }
});

Deno.test("connectionsOf() turns the seed's capture into relative segments by direction", async () => {
  const packets = parseTcpdumpText(
    await fixture("tcp-write-after-peer-close.ipv4.txt"),
  );
  const [c, ...rest] = connectionsOf(packets, {
    address: "127.0.0.1",
    port: 37787,
  });
  assertEquals(rest, []);
  assertEquals(c.client, { address: "127.0.0.1", port: 32808 });
  assertEquals(c.segments, [
    { t: 0, from: "client", flags: "S", seq: 0, len: 0 },
    { t: 0.00909, from: "server", flags: "S.", seq: 0, ack: 1, len: 0 },
    { t: 0.019865, from: "client", flags: ".", seq: 1, ack: 1, len: 0 },
    { t: 1.248495, from: "client", flags: "F.", seq: 1, ack: 1, len: 0 },
    { t: 1.739825, from: "server", flags: "P.", seq: 1, ack: 2, len: 3 },
    // The RST answering data takes its seq from that data's ack, no ACK bit.
    { t: 1.74877, from: "client", flags: "R", seq: 2, len: 0 },
  ]);
});

Deno.test("connectionsOf() finds the listening end from the first SYN when not told", async () => {
  const packets = parseTcpdumpText(
    await fixture("tcp-write-after-peer-close.ipv6.txt"),
  );
  const [c] = connectionsOf(packets);
  assertEquals(c.server, { address: "::1", port: 36191 });
  assertEquals(c.segments.map((s) => `${s.from} ${s.flags}`), [
    "client S",
    "server S.",
    "client .",
    "client F.",
    "server P.",
    "client R",
  ]);
});

Deno.test("connectionsOf() gives pure ACKs the sender's next seq, across data and FINs", async () => {
  const [c] = connectionsOf(
    parseTcpdumpText(
      await fixture("tcp-half-close-peer-still-receives.ipv4.txt"),
    ),
  );
  assertEquals(
    c.segments.map((s) => [s.from, s.flags, s.seq, s.ack, s.len]),
    [
      ["client", "S", 0, undefined, 0],
      ["server", "S.", 0, 1, 0],
      ["client", ".", 1, 1, 0],
      ["client", "F.", 1, 1, 0],
      ["server", "P.", 1, 2, 5],
      ["client", ".", 2, 6, 0],
      ["server", "P.", 6, 2, 5],
      ["client", ".", 2, 11, 0],
      ["server", "F.", 11, 2, 0],
      ["client", ".", 2, 12, 0],
    ],
  );
});

Deno.test("connectionsOf() keeps connections apart and ignores other ports", () => {
  const text = [
    "1.000000 IP 127.0.0.1.40001 > 127.0.0.1.5000: Flags [S], seq 10, win 1, length 0",
    "1.000100 IP 127.0.0.1.40002 > 127.0.0.1.5000: Flags [S], seq 20, win 1, length 0",
    "1.000150 IP 127.0.0.1.39999 > 127.0.0.1.6000: Flags [S], seq 30, win 1, length 0",
    "1.000200 IP 127.0.0.1.5000 > 127.0.0.1.40002: Flags [R.], seq 0, ack 21, win 0, length 0",
  ].join("\n");
  const cs = connectionsOf(parseTcpdumpText(text), {
    address: "127.0.0.1",
    port: 5000,
  });
  assertEquals(cs.map((c) => c.client.port), [40001, 40002]);
  assertEquals(
    cs[1].segments.map((s) => [s.t, s.from, s.flags, s.ack]),
    [[0, "client", "S", undefined], [0.1, "server", "R.", 1]],
  );
});

Deno.test("connectionsOf() makes a side without a captured SYN relative to its first number", () => {
  const text = [
    "2.000000 IP 127.0.0.1.40001 > 127.0.0.1.5000: Flags [P.], seq 1000:1005, ack 7000, win 1, length 5",
    "2.000010 IP 127.0.0.1.5000 > 127.0.0.1.40001: Flags [.], ack 1005, win 1, length 0",
  ].join("\n");
  const [c] = connectionsOf(parseTcpdumpText(text), {
    address: "127.0.0.1",
    port: 5000,
  });
  assertEquals(
    c.segments.map((s) => [s.from, s.seq, s.ack]),
    [["client", 1, 1], ["server", 1, 6]],
  );
});

Deno.test("connectionsOf() handles sequence numbers that wrap around 2^32", () => {
  const text = [
    "3.000000 IP 127.0.0.1.40001 > 127.0.0.1.5000: Flags [S], seq 4294967295, win 1, length 0",
    "3.000010 IP 127.0.0.1.5000 > 127.0.0.1.40001: Flags [S.], seq 5, ack 0, win 1, length 0",
    "3.000020 IP 127.0.0.1.40001 > 127.0.0.1.5000: Flags [P.], seq 0:3, ack 6, win 1, length 3",
  ].join("\n");
  const [c] = connectionsOf(parseTcpdumpText(text));
  assertEquals(c.segments.map((s) => [s.seq, s.ack]), [
    [0, undefined],
    [0, 1],
    [1, 1],
  ]);
});
