/**
 * tcp-write-after-peer-close: the seed's question. The client close()s; the
 * server reads EOF, sits in CLOSE_WAIT, and its first write *succeeds*: the
 * client's kernel answers the data with RST, and only the second write
 * fails with EPIPE (killing a writer that has not ignored SIGPIPE).
 *
 * Seed: "the server doesn't know the client will reset the connection until
 * after it tries to send some data to it."
 */

import {
  brief,
  conformanceCase,
  elapsedUs,
  outcome,
  type Scenario,
  tcpPair,
  wireReset,
} from "../mod.ts";

const id = "tcp-write-after-peer-close";
const summary =
  "After the peer's close(), the first write succeeds and draws an RST; the second fails with EPIPE.";

await conformanceCase({
  id,
  layer: "syscall",
  summary,
  needs: ["helper"],
  async fn(s) {
    await using h = await s.helper("helper");
    const { client, server, clientTuple, serverTuple, handshakeUs } = await h
      .pair();
    s.timing("handshake (connect)", handshakeUs, "us");

    s.check("client close()", brief(await h.run(`close ${client.fd}`)));
    s.check(
      "server poll()",
      (await h.expectOk(`poll ${server.fd} in,rdhup 1000`)).fields.revents,
    );
    s.check("server read()", brief(await h.run(`read ${server.fd} 16 1000`)));
    await s.checkState("server state", serverTuple);
    await s.checkState("client state", clientTuple);

    // The write and the wait for its consequence run back to back in the helper.
    const [write1, pollAfter] = await h.batch([
      `write ${server.fd} 123`,
      `poll ${server.fd} - 1000`,
    ]);
    s.check("server write() #1", brief(write1));
    s.check(
      "server poll() after write #1",
      pollAfter.fields.revents ?? brief(pollAfter),
    );
    s.checkReset(
      "RST after write #1",
      elapsedUs(write1.t0, pollAfter.t1),
      handshakeUs,
    );
    await s.checkState("client state after RST", clientTuple);
    await s.checkState("server state after RST", serverTuple);
    s.check("server tcp-info after RST", await h.tcpState(server.fd));
    s.check("server write() #2", brief(await h.run(`write ${server.fd} 123`)));

    // The same story in a writer that left SIGPIPE at its default action.
    await using d = await s.helper("default-sigpipe");
    const p = await d.pair();
    await d.expectOk("sigpipe default");
    const [, , , , write2] = await d.batch([
      `close ${p.client.fd}`,
      `read ${p.server.fd} 16 1000`,
      `write ${p.server.fd} 123`,
      `poll ${p.server.fd} - 1000`,
      `write ${p.server.fd} 123`,
    ]);
    s.check("server write() #2, SIGPIPE default", brief(write2));
  },
});

await conformanceCase({
  id,
  layer: "deno",
  summary,
  async fn(s) {
    await using pair = await tcpPair("127.0.0.1");
    s.timing("handshake (Deno.connect)", pair.connectMs * 1000, "us");

    pair.client.close();
    s.check(
      "server read()",
      (await outcome(pair.server.read(new Uint8Array(16)), 2000)).text,
    );
    await s.checkState("server state", pair.serverTuple);
    await s.checkState("client state", pair.clientTuple);

    const payload = new TextEncoder().encode("123");
    const started = performance.now();
    s.check(
      "server write() #1",
      (await outcome(pair.server.write(payload), 2000)).text,
    );
    await s.checkState("client state after write #1", pair.clientTuple);
    s.checkReset(
      "RST after write #1",
      (performance.now() - started) * 1000,
      pair.connectMs * 1000,
    );
    s.check(
      "server write() #2",
      (await outcome(pair.server.write(payload), 2000)).text,
    );
  },
});

/**
 * The story once more under a capture, on `address`: the client's FIN, the
 * server's data, and the client's RST for it, as they cross loopback.
 */
async function onTheWire(s: Scenario, address: string, over: string) {
  await using h = await s.helper(`helper${over}`);
  await using wire = await s.wirePair(h, address);
  await h.expectOk(`close ${wire.client.fd}`);
  await h.expectOk(`read ${wire.server.fd} 16 1000`);
  // The write and the wait for the RST it draws, back to back.
  await h.batch([
    `write ${wire.server.fd} 123`,
    `poll ${wire.server.fd} - 1000`,
  ]);
  const seen = await wire.stop();
  s.timing(`capture ready${over}`, seen.startup.readyMs, "ms");
  // Sets s.trace (segments, expected, capture) from the first capture.
  s.checkSegments(`segments${over}`, seen);

  // When the RST left, relative to the data that drew it, against the
  // handshake's round trip on the same capture.
  const rst = wireReset(seen.segments, "s:P.(3)", "client");
  if (rst.roundTripUs !== undefined) {
    s.timing(`handshake on the wire${over}`, rst.roundTripUs, "us");
  }
  s.checkWireReset(`RST after the server's data${over}`, rst);
}

await conformanceCase({
  id,
  layer: "wire",
  summary,
  needs: ["helper", "tcpdump"],
  async fn(s) {
    await onTheWire(s, "127.0.0.1", "");
    if (await s.needs(["ipv6"], "segments (::1)")) {
      await onTheWire(s, "::1", " (::1)");
    }
  },
});
