/**
 * tcp-timewait-active-closer: the side that closes first ends in TIME_WAIT
 * and keeps its exact address: binding it again fails with EADDRINUSE, even
 * with SO_REUSEADDR on the new socket (the old one did not set it). The
 * passive closer keeps nothing: its address binds again at once. SO_LINGER
 * {on, 0} skips TIME_WAIT altogether. The kit never waits the 60 s out.
 *
 * The client binds its port before it connects (`boundPair()`): a port
 * connect() picks may also be held by other connections' TIME_WAIT sockets
 * (connect() shares ports across destinations), and a bind() of it would
 * then fail for them, not for this case (2 of 200 soak runs did).
 *
 * Source: RFC 9293 §3.6 (TIME-WAIT is the active closer's); include/net/tcp.h
 * TCP_TIMEWAIT_LEN; gVisor socket_inet_loopback_isolated.cc
 * TCPActiveCloseTimeWait*, TCPPassiveCloseNoTimeWait*
 * (shared/notes/teardown-catalog.md).
 */

import {
  brief,
  conformanceCase,
  type Helper,
  outcome,
  tcpPair,
} from "../mod.ts";

const id = "tcp-timewait-active-closer";
// The addresses bound again came from bind(0), which Linux takes from the
// odd ports while connect() takes even ones (inet_csk_find_open_port), so
// other cases' connect() running beside this file cannot take them.
const summary =
  "The active closer holds TIME_WAIT (its address EADDRINUSE even with SO_REUSEADDR); the passive closer rebinds at once; SO_LINGER 0 skips TIME_WAIT.";

/** Binds a new socket to 127.0.0.1:`port` (SO_REUSEADDR if asked); closes it. */
async function bindAgain(
  h: Helper,
  port: number,
  reuse: boolean,
): Promise<string> {
  const fd = (await h.expectOk("socket 4")).fields.fd;
  if (reuse) await h.expectOk(`setopt ${fd} reuseaddr 1`);
  const answer = brief(await h.run(`bind ${fd} 127.0.0.1 ${port}`));
  await h.expectOk(`close ${fd}`);
  return answer;
}

await conformanceCase({
  id,
  layer: "syscall",
  summary,
  needs: ["helper"],
  async fn(s) {
    await using h = await s.helper("helper");
    const p = await h.boundPair();
    s.check(
      "client close() (active)",
      brief(await h.run(`close ${p.client.fd}`)),
    );
    s.check("server read()", brief(await h.run(`read ${p.server.fd} 16 1000`)));
    s.check(
      "server close() (passive)",
      brief(await h.run(`close ${p.server.fd}`)),
    );
    await s.checkState("client state after both close()", p.clientTuple);
    await s.checkState("server state after both close()", p.serverTuple);
    s.check(
      "bind() of the client's address, SO_REUSEADDR",
      await bindAgain(h, p.client.local.port, true),
    );
    s.check(
      "bind() of the server's address",
      await bindAgain(h, p.server.local.port, false),
    );

    const abort = await h.boundPair();
    await h.expectOk(`linger ${abort.client.fd} 1 0`);
    s.check(
      "SO_LINGER {1, 0}: client close()",
      brief(await h.run(`close ${abort.client.fd}`)),
    );
    await s.checkState("SO_LINGER {1, 0}: client state", abort.clientTuple);
    s.check(
      "SO_LINGER {1, 0}: bind() of the client's address",
      await bindAgain(h, abort.client.local.port, false),
    );
    await h.expectOk(`close ${abort.server.fd}`);
  },
});

await conformanceCase({
  id,
  layer: "deno",
  summary,
  async fn(s) {
    await using pair = await tcpPair("127.0.0.1");
    pair.client.close();
    s.check(
      "server read()",
      (await outcome(pair.server.read(new Uint8Array(16)), 2000)).text,
    );
    pair.server.close();
    await s.checkState("client state after both close()", pair.clientTuple);
    await s.checkState("server state after both close()", pair.serverTuple);
    for (
      const [step, port] of [
        ["Deno.listen() on the client's address", pair.clientTuple.local.port],
        ["Deno.listen() on the server's address", pair.serverTuple.local.port],
      ] as const
    ) {
      let observed = "listening";
      try {
        Deno.listen({ hostname: "127.0.0.1", port }).close();
      } catch (e) {
        observed = (await outcome(Promise.reject(e), 0)).text;
      }
      s.check(step, observed);
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
    await h.expectOk(`close ${wire.client.fd}`);
    await h.expectOk(`read ${wire.server.fd} 16 1000`);
    await h.expectOk(`close ${wire.server.fd}`);
    await wire.capture.waitFor("c:.", { after: "s:F." });
    s.checkSegments("segments", await wire.stop());
  },
});
