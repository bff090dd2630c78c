import {
  assertAlmostEquals,
  assertEquals,
  assertStringIncludes,
} from "@std/assert";
import type { Segment } from "../wire/segment.ts";
import { connectionsOf, parseTcpdumpText } from "../wire/tcpdump_text.ts";
import { handshakeRoundTripUs, wireReset, wireResetAfterCall } from "./wire.ts";

const recorded = async (name: string) =>
  connectionsOf(parseTcpdumpText(
    await Deno.readTextFile(
      new URL(`../../fixtures/captures/${name}`, import.meta.url),
    ),
  ))[0].segments;

Deno.test("handshakeRoundTripUs() is SYN → ACK of the SYN-ACK on a recorded capture", async () => {
  const segments = await recorded("tcp-write-after-peer-close.ipv4.txt");
  assertAlmostEquals(handshakeRoundTripUs(segments)!, 19.865, 1e-9);
});

Deno.test("handshakeRoundTripUs() is undefined without a whole handshake", () => {
  assertEquals(
    handshakeRoundTripUs([
      { t: 0, from: "client", flags: "S", seq: 0, len: 0 },
      { t: 0.01, from: "server", flags: "S.", seq: 0, ack: 1, len: 0 },
    ]),
    undefined,
  );
});

Deno.test("wireReset() times the seed's RST from the data that drew it", async () => {
  const r = wireReset(
    await recorded("tcp-write-after-peer-close.ipv4.txt"),
    "s:P.(3)",
    "client",
  );
  assertEquals(r.observed, "within bound");
  assertAlmostEquals(r.delayUs!, 8.945, 1e-9);
  assertAlmostEquals(r.roundTripUs!, 19.865, 1e-9);
  assertEquals(
    r.detail,
    "on the wire: RST 8.9 µs after s:P.(3); bound 19865 µs = 1000 × handshake 19.9 µs",
  );
});

const handshake: Segment[] = [
  { t: 0, from: "client", flags: "S", seq: 0, len: 0 },
  { t: 0.01, from: "server", flags: "S.", seq: 0, ack: 1, len: 0 },
  { t: 0.02, from: "client", flags: ".", seq: 1, ack: 1, len: 0 },
];

Deno.test("wireReset() judges an RST long after its trigger as beyond bound", () => {
  const r = wireReset(
    [
      ...handshake,
      { t: 1, from: "server", flags: "P.", seq: 1, ack: 1, len: 3 },
      { t: 5001, from: "client", flags: "R", seq: 1, len: 0 },
    ],
    "s:P.(3)",
    "client",
  );
  assertEquals([r.observed, r.delayUs], ["beyond bound", 5_000_000]);
});

Deno.test("wireReset() flags an RST that precedes its trigger", () => {
  const r = wireReset(
    [
      ...handshake,
      { t: 1, from: "client", flags: "R", seq: 1, len: 0 },
      { t: 2, from: "server", flags: "P.", seq: 1, ack: 1, len: 3 },
    ],
    "s:P.(3)",
    "client",
  );
  assertEquals([r.observed, r.delayUs], ["before trigger", -1000]);
});

Deno.test("wireReset() says what is missing instead of judging", async () => {
  const halfClose = await recorded(
    "tcp-half-close-peer-still-receives.ipv4.txt",
  );
  assertEquals(
    wireReset(halfClose, "s:P.(5)", "client").observed,
    "no RST captured",
  );
  assertEquals(
    wireReset(
      [...handshake, { t: 1, from: "client", flags: "R", seq: 1, len: 0 }],
      "s:P.(3)",
      "client",
    )
      .observed,
    "no trigger captured",
  );
  assertEquals(
    wireReset(
      [
        { t: 1, from: "server", flags: "P.", seq: 1, ack: 1, len: 3 },
        { t: 2, from: "client", flags: "R", seq: 1, len: 0 },
      ],
      "s:P.(3)",
      "client",
    ).observed,
    "no handshake captured",
  );
});

Deno.test("wireResetAfterCall() calls an RST before the call only beyond the clocks' uncertainty", () => {
  const segments = [
    ...handshake,
    { t: 5, from: "client" as const, flags: "R.", seq: 1, ack: 1, len: 0 },
  ];
  // The RST stamped 2.7 µs before the call's start, as a soak once saw.
  const callNs = 5_000_000n + 2_700n;
  assertEquals(
    wireResetAfterCall(segments, 0n, callNs, "client").observed,
    "before trigger",
  );
  const r = wireResetAfterCall(segments, 0n, callNs, "client", 4_000n);
  assertEquals([r.observed, r.delayUs], ["within bound", -2.7]);
  assertStringIncludes(r.detail, "(± 4.0 µs)");
  assertEquals(
    wireResetAfterCall(segments, 0n, callNs + 5_000n, "client", 4_000n)
      .observed,
    "before trigger",
  );
});
