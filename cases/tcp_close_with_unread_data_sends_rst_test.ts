/**
 * tcp-close-with-unread-data-sends-rst: close() on a socket whose receive
 * buffer still holds unread data sends an RST instead of a FIN (RFC 2525
 * §2.17, RFC 1122 §4.2.2.13), so the peer learns its data was lost. BSD
 * stacks flush the data and send a FIN instead.
 */

import {
  brief,
  conformanceCase,
  elapsedUs,
  outcome,
  readOnce,
  tcpPair,
  wireResetAfterCall,
} from "../mod.ts";

const id = "tcp-close-with-unread-data-sends-rst";
const summary =
  "close() with unread received data sends RST, not FIN: the peer reads ECONNRESET.";

await conformanceCase({
  id,
  layer: "syscall",
  summary,
  needs: ["helper"],
  async fn(s) {
    await using h = await s.helper("helper");
    const { client, server, clientTuple, serverTuple, handshakeUs } = await h
      .pair();
    s.check("client write()", brief(await h.run(`write ${client.fd} hello`)));
    s.check(
      "server poll() before close()",
      (await h.expectOk(`poll ${server.fd} in 1000`)).fields.revents,
    );
    // Events "in": a FIN would wake the client too, as POLLIN without POLLERR.
    const [close, poll] = await h.batch([
      `close ${server.fd}`,
      `poll ${client.fd} in,rdhup 1000`,
    ]);
    s.check("server close()", brief(close));
    s.check(
      "client poll() after server close()",
      poll.fields.revents ?? brief(poll),
    );
    s.checkReset(
      "RST after close()",
      elapsedUs(close.t0, poll.t1),
      handshakeUs,
    );
    await s.checkState("server state after close()", serverTuple);
    await s.checkState("client state after close()", clientTuple);
    s.check(
      "client read() #1",
      brief(await h.run(`read ${client.fd} 16 1000`)),
    );
    s.check(
      "client read() #2",
      brief(await h.run(`read ${client.fd} 16 1000`)),
    );
  },
});

await conformanceCase({
  id,
  layer: "deno",
  summary,
  async fn(s) {
    await using pair = await tcpPair("127.0.0.1");
    s.check(
      "client write()",
      (await outcome(
        pair.client.write(new TextEncoder().encode("hello")),
        2000,
      )).text,
    );
    const queued = await s.receiveQueue(pair.serverTuple, 5, 2000);
    s.check("server bytes queued", String(queued.queued ?? "unknown"));
    const started = performance.now();
    pair.server.close();
    await s.checkState("client state after server close()", pair.clientTuple);
    s.checkReset(
      "RST after close()",
      (performance.now() - started) * 1000,
      pair.connectMs * 1000,
    );
    s.check("client read() #1", await readOnce(pair.client, 2000));
    s.check("client read() #2", await readOnce(pair.client, 2000));
  },
});

await conformanceCase({
  id,
  layer: "wire",
  summary,
  needs: ["helper", "tcpdump"],
  async fn(s) {
    await using h = await s.helper("helper");
    await using wire = await s.wirePair(h);
    const clock = await h.realtimeOffset();
    await h.expectOk(`write ${wire.client.fd} hello`);
    await h.expectOk(`poll ${wire.server.fd} in 1000`);
    const [close] = await h.batch([
      `close ${wire.server.fd}`,
      `poll ${wire.client.fd} in,rdhup 1000`,
    ]);
    const seen = await wire.stop();
    s.checkSegments("segments", seen);
    s.checkWireReset(
      "RST after close() on the wire",
      wireResetAfterCall(
        seen.segments,
        seen.startNs ?? 0n,
        close.t0 + clock.offsetNs,
        "server",
        clock.uncertaintyNs,
      ),
    );
  },
});
