/**
 * tcp-rst-with-unread-data: data sits unread in our receive buffer when the
 * peer's RST arrives. Is it still handed out before the error? The seed
 * says it is purged; Linux hands it out first (then ECONNRESET, then 0),
 * Windows purges it. Each platform's answer is data, not a claim.
 *
 * Seed: "If the other end has unread data in the socket buffer when the
 * RESET arrives, that data will be purged, causing the data to be lost."
 */

import {
  brief,
  briefRead,
  conformanceCase,
  elapsedUs,
  helperClientPair,
  readOnce,
} from "../mod.ts";

const id = "tcp-rst-with-unread-data";
const summary =
  "Data unread when the peer's RST arrives: handed out before ECONNRESET, or purged?";

await conformanceCase({
  id,
  layer: "syscall",
  summary,
  needs: ["helper"],
  async fn(s) {
    await using h = await s.helper("helper");
    const { client, server, handshakeUs } = await h.pair();
    s.check("client write()", brief(await h.run(`write ${client.fd} hello`)));
    s.check(
      "server poll() before the RST",
      (await h.expectOk(`poll ${server.fd} in 1000`)).fields.revents,
    );
    await h.expectOk(`linger ${client.fd} 1 0`);
    // Events "-": poll wakes on POLLERR/POLLHUP only, i.e. on the RST.
    const [close, poll] = await h.batch([
      `close ${client.fd}`,
      `poll ${server.fd} - 1000`,
    ]);
    s.check("server poll() after the RST", poll.fields.revents ?? brief(poll));
    s.checkReset(
      "RST after close()",
      elapsedUs(close.t0, poll.t1),
      handshakeUs,
    );
    s.check(
      "server read() #1",
      briefRead(await h.run(`read ${server.fd} 16 1000`)),
    );
    s.check(
      "server read() #2",
      briefRead(await h.run(`read ${server.fd} 16 1000`)),
    );
    s.check(
      "server read() #3",
      briefRead(await h.run(`read ${server.fd} 16 1000`)),
    );
  },
});

await conformanceCase({
  id,
  layer: "deno",
  summary,
  needs: ["helper"],
  async fn(s) {
    await using h = await s.helper("peer");
    await using pair = await helperClientPair(h, "127.0.0.1");
    s.check(
      "client write()",
      brief(await h.run(`write ${pair.client.fd} hello`)),
    );
    const queued = await s.receiveQueue(pair.serverTuple, 5, 2000);
    s.check("server bytes queued", String(queued.queued ?? "unknown"));
    await h.expectOk(`linger ${pair.client.fd} 1 0`);
    await h.expectOk(`close ${pair.client.fd}`);
    await s.checkState("server state after the RST", pair.serverTuple);
    s.check("server read() #1", await readOnce(pair.server, 2000));
    s.check("server read() #2", await readOnce(pair.server, 2000));
    s.check("server read() #3", await readOnce(pair.server, 2000));
  },
});
