/**
 * tcp-shutdown-read: shutdown(SHUT_RD) on TCP sends nothing. On Linux the
 * peer's data keeps arriving, is ACKed, queued and readable (then read
 * returns 0); the peer's writes keep succeeding; and a later close() with
 * that data unread sends an RST. FreeBSD ACKs such data but discards it.
 *
 * Source: shutdown(2); google/packetdrill shutdown/shutdown-rd-wr-close.pkt
 * ("too obscure to slow down the fast path"); gVisor ShutdownRd* tests
 * (shared/notes/teardown-catalog.md #19).
 */

import {
  brief,
  briefRead,
  conformanceCase,
  type Helper,
  type HelperPair,
  type Scenario,
} from "../mod.ts";

const id = "tcp-shutdown-read";
const summary =
  "SHUT_RD sends nothing; later data is ACKed, queued and readable on Linux, then read 0; a close() with data unread sends RST.";

/**
 * The server shuts down reading (`afterShutdown` looks at it then); the
 * client sends twice; the server reads the first, closes on the second.
 */
async function story(
  s: Scenario,
  h: Helper,
  { client, server, serverTuple }: HelperPair,
  afterShutdown?: () => Promise<void>,
): Promise<void> {
  s.check(
    "server shutdown(SHUT_RD)",
    brief(await h.run(`shutdown ${server.fd} rd`)),
  );
  await afterShutdown?.();
  s.check("client write() #1", brief(await h.run(`write ${client.fd} hello`)));
  const queued = await s.receiveQueue(serverTuple, 5, 2000);
  s.check("server bytes queued after SHUT_RD", String(queued.queued));
  s.check(
    "server read() #1",
    briefRead(await h.run(`read ${server.fd} 16 1000`)),
  );
  s.check("server read() #2", brief(await h.run(`read ${server.fd} 16 1000`)));
  s.check("client write() #2", brief(await h.run(`write ${client.fd} world`)));
  await s.receiveQueue(serverTuple, 5, 2000);
  s.check(
    "server close() with data unread",
    brief(await h.run(`close ${server.fd}`)),
  );
}

await conformanceCase({
  id,
  layer: "syscall",
  summary,
  needs: ["helper"],
  async fn(s) {
    await using h = await s.helper("helper");
    const pair = await h.pair();
    const { client, server, serverTuple } = pair;
    await story(s, h, pair, async () => {
      s.check(
        "server poll() after SHUT_RD",
        (await h.expectOk(`poll ${server.fd} in,rdhup 0`)).fields.revents,
      );
      s.check(
        "server read() before any data",
        brief(await h.run(`read ${server.fd} 16 1000`)),
      );
      await s.checkState("server state after SHUT_RD", serverTuple);
    });
    s.check(
      "client poll() after server close()",
      (await h.expectOk(`poll ${client.fd} in,rdhup 1000`)).fields.revents,
    );
    s.check("client read()", brief(await h.run(`read ${client.fd} 16 1000`)));
    await h.expectOk(`close ${client.fd}`);
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
    await story(s, h, wire);
    await wire.capture.waitFor("s:R.");
    s.checkSegments("segments", await wire.stop());
    await h.expectOk(`close ${wire.client.fd}`);
  },
});
