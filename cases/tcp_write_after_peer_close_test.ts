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
  judgeReset,
  outcome,
  tcpPair,
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
    const reset = judgeReset(elapsedUs(write1.t0, pollAfter.t1), handshakeUs);
    s.timing("RST seen after write #1", reset.delayUs, "us");
    s.check("RST after write #1", reset.verdict, reset.detail);
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
    s.timing(
      "RST (client state gone) after write #1",
      (performance.now() - started) * 1000,
      "us",
    );
    s.check(
      "server write() #2",
      (await outcome(pair.server.write(payload), 2000)).text,
    );
  },
});
