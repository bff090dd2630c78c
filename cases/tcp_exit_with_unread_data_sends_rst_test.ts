/**
 * tcp-exit-with-unread-data-sends-rst: the seed's shutdown variant. The peer
 * only shut down its writing half, so our data is accepted and ACKed (no
 * RST), but the peer never reads it. When the peer process exits, the
 * kernel closes the socket with unread data: the RST comes then, at exit,
 * not before.
 *
 * Seed: "Notice the reset at the end comes 5 seconds after the last ACK
 * packet. This reset is due to the program shutting down without properly
 * closing the sockets."
 */

import {
  brief,
  conformanceCase,
  elapsedUs,
  helperClientPair,
  outcome,
  readOnce,
  wireResetAfterCall,
} from "../mod.ts";

const id = "tcp-exit-with-unread-data-sends-rst";
const summary =
  "A SHUT_WR peer that exits with our data unread sends its RST at exit, not before.";

await conformanceCase({
  id,
  layer: "syscall",
  summary,
  needs: ["helper"],
  async fn(s) {
    await using server = await s.helper("server");
    await using peer = await s.helper("peer");
    const listener = await server.listen("127.0.0.1");
    const client = await peer.connect(listener.local);
    const ours = await server.accept(listener.fd);
    const handshakeUs = elapsedUs(client.answer.t0, client.answer.t1);
    const ourTuple = { local: ours.local, remote: client.local };
    const peerTuple = { local: client.local, remote: ours.local };

    s.check(
      "peer shutdown(SHUT_WR)",
      brief(await peer.run(`shutdown ${client.fd} wr`)),
    );
    s.check(
      "server read()",
      brief(await server.run(`read ${ours.fd} 16 1000`)),
    );
    s.check("server write()", brief(await server.run(`write ${ours.fd} 123`)));
    await s.checkState("peer state before exit", peerTuple);
    s.check(
      "server poll() before peer exit",
      (await server.expectOk(`poll ${ours.fd} - 0`)).fields.revents,
    );
    s.check(
      "server SO_ERROR before peer exit",
      (await server.expectOk(`so-error ${ours.fd}`)).fields.so_error,
    );

    // The server waits for the RST while the peer exits; both helpers read
    // the same CLOCK_MONOTONIC, so the delay is exit → POLLERR.
    const waiting = server.run(`poll ${ours.fd} - 5000`);
    const exit = await peer.run("exit 0");
    const poll = await waiting;
    s.check(
      "peer exit",
      `${brief(exit)}, then ${
        (await peer.exited()).code === 0 ? "exited 0" : "died"
      }`,
    );
    s.check("server poll() at peer exit", poll.fields.revents ?? brief(poll));
    s.checkReset(
      "RST after peer exit",
      elapsedUs(exit.t0, poll.t1),
      handshakeUs,
    );
    await s.checkState("peer state after exit", peerTuple);
    await s.checkState("server state after RST", ourTuple);
    s.check(
      "server write() after RST",
      brief(await server.run(`write ${ours.fd} 123`)),
    );
  },
});

await conformanceCase({
  id,
  layer: "deno",
  summary,
  needs: ["helper"],
  async fn(s) {
    await using peer = await s.helper("peer");
    await using pair = await helperClientPair(peer, "127.0.0.1");
    const bytes = new TextEncoder().encode("123");

    await peer.expectOk(`shutdown ${pair.client.fd} wr`);
    s.check("server read()", await readOnce(pair.server, 2000));
    s.check(
      "server write()",
      (await outcome(pair.server.write(bytes), 2000)).text,
    );
    await s.checkState("peer state before exit", pair.clientTuple);
    await s.checkState("server state before peer exit", pair.serverTuple);

    const started = performance.now();
    await peer.expectOk("exit 0");
    await s.checkState("server state after peer exit", pair.serverTuple);
    s.checkReset(
      "RST after peer exit",
      (performance.now() - started) * 1000,
      pair.connectMs * 1000,
    );
    s.check(
      "server write() after RST",
      (await outcome(pair.server.write(bytes), 2000)).text,
    );
  },
});

await conformanceCase({
  id,
  layer: "wire",
  summary,
  needs: ["helper", "tcpdump"],
  async fn(s) {
    await using server = await s.helper("server");
    await using peer = await s.helper("peer");
    const listener = await server.listen("127.0.0.1");
    await using cap = await s.capture(listener.local);
    const client = await peer.connect(listener.local);
    const ours = await server.accept(listener.fd);
    const clock = await peer.realtimeOffset();
    await peer.expectOk(`shutdown ${client.fd} wr`);
    await server.expectOk(`read ${ours.fd} 16 1000`);
    await server.expectOk(`write ${ours.fd} 123`);
    const waiting = server.run(`poll ${ours.fd} - 5000`);
    const exit = await peer.run("exit 0");
    await waiting;
    const seen = await cap.stop();
    s.checkSegments("segments", seen);
    s.checkWireReset(
      "RST after peer exit on the wire",
      wireResetAfterCall(
        seen.segments,
        seen.startNs ?? 0n,
        exit.t0 + clock.offsetNs,
        "client",
        clock.uncertaintyNs,
      ),
    );
  },
});
