/**
 * tcp-linger-zero-sends-rst: with SO_LINGER {on, 0}, close() aborts the
 * connection: no FIN, an RST straight away. The other side's next read or
 * send fails with ECONNRESET (not EPIPE), once; after that the socket is
 * dead (read 0, send EPIPE). The closer keeps no TIME_WAIT.
 *
 * Seed: "The send gets an immediate error in this case, but it is not
 * EPIPE, it is ECONNRESET."
 */

import {
  brief,
  conformanceCase,
  elapsedUs,
  type Helper,
  helperClientPair,
  outcome,
  readOnce,
  type Scenario,
  wireResetAfterCall,
} from "../mod.ts";

const id = "tcp-linger-zero-sends-rst";
const summary =
  "SO_LINGER {on, 0} + close() sends an RST at once: the peer gets ECONNRESET, then EPIPE.";

/** Aborts the client of a fresh pair; returns the pair once the RST is in. */
async function abortedPair(s: Scenario, h: Helper, label: string) {
  const pair = await h.pair();
  s.check(
    `${label}: client SO_LINGER {1, 0}`,
    brief(await h.run(`linger ${pair.client.fd} 1 0`)),
  );
  const [close, poll] = await h.batch([
    `close ${pair.client.fd}`,
    `poll ${pair.server.fd} in,rdhup 1000`,
  ]);
  s.check(`${label}: client close()`, brief(close));
  s.check(`${label}: server poll()`, poll.fields.revents ?? brief(poll));
  s.checkReset(
    `${label}: RST after close()`,
    elapsedUs(close.t0, poll.t1),
    pair.handshakeUs,
  );
  return pair;
}

await conformanceCase({
  id,
  layer: "syscall",
  summary,
  needs: ["helper"],
  async fn(s) {
    await using h = await s.helper("helper");

    const r = await abortedPair(s, h, "read first");
    await s.checkState("client state after close()", r.clientTuple);
    await s.checkState("server state after RST", r.serverTuple);
    s.check(
      "read first: server read() #1",
      brief(await h.run(`read ${r.server.fd} 16 1000`)),
    );
    s.check(
      "read first: server read() #2",
      brief(await h.run(`read ${r.server.fd} 16 1000`)),
    );
    s.check(
      "read first: server write()",
      brief(await h.run(`write ${r.server.fd} abc`)),
    );

    const w = await abortedPair(s, h, "send first");
    s.check(
      "send first: server send() #1",
      brief(await h.run(`send ${w.server.fd} abc`)),
    );
    s.check(
      "send first: server send() #2",
      brief(await h.run(`send ${w.server.fd} abc`)),
    );
  },
});

await conformanceCase({
  id,
  layer: "deno",
  summary,
  // Deno cannot set SO_LINGER: the helper is the aborting peer, Deno the
  // side that observes.
  needs: ["helper"],
  async fn(s) {
    await using h = await s.helper("peer");
    const abort = async (label: string) => {
      const pair = await helperClientPair(h, "127.0.0.1");
      await h.expectOk(`linger ${pair.client.fd} 1 0`);
      const started = performance.now();
      await h.expectOk(`close ${pair.client.fd}`);
      await s.checkState(
        `${label}: server state after peer close()`,
        pair.serverTuple,
      );
      s.checkReset(
        `${label}: RST after close()`,
        (performance.now() - started) * 1000,
        pair.connectMs * 1000,
      );
      return pair;
    };
    {
      await using r = await abort("read first");
      s.check("read first: server read() #1", await readOnce(r.server, 2000));
      s.check("read first: server read() #2", await readOnce(r.server, 2000));
      s.check(
        "read first: server write()",
        (await outcome(r.server.write(new TextEncoder().encode("abc")), 2000))
          .text,
      );
    }
    {
      await using w = await abort("write first");
      const bytes = new TextEncoder().encode("abc");
      s.check(
        "write first: server write() #1",
        (await outcome(w.server.write(bytes), 2000)).text,
      );
      s.check(
        "write first: server write() #2",
        (await outcome(w.server.write(bytes), 2000)).text,
      );
    }
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
    await h.expectOk(`linger ${wire.client.fd} 1 0`);
    const [close] = await h.batch([
      `close ${wire.client.fd}`,
      `poll ${wire.server.fd} in,rdhup 1000`,
    ]);
    const seen = await wire.stop();
    s.checkSegments("segments", seen);
    s.checkWireReset(
      "RST after close() on the wire",
      wireResetAfterCall(
        seen.segments,
        seen.startNs ?? 0n,
        close.t0 + clock.offsetNs,
        "client",
        clock.uncertaintyNs,
      ),
    );
  },
});
