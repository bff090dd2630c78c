/**
 * tcp-half-close-peer-still-receives: shutdown(SHUT_WR) sends a FIN too, but
 * the peer keeps its receiving half. We read EOF, and our writes still
 * arrive and are ACKed: no RST. Both sides then finish cleanly.
 *
 * Seed: "since a TCP connection is bi-directional, the server that receives
 * the FIN assumes the client can still receive data. In the case above, the
 * client in fact does accept the data."
 */

import {
  brief,
  briefRead,
  conformanceCase,
  outcome,
  readOnce,
  tcpPair,
} from "../mod.ts";

const id = "tcp-half-close-peer-still-receives";
const summary =
  "After the peer's SHUT_WR our writes still arrive and are ACKed, no RST; both ends close cleanly.";

await conformanceCase({
  id,
  layer: "syscall",
  summary,
  needs: ["helper"],
  async fn(s) {
    await using h = await s.helper("helper");
    const { client, server, clientTuple, serverTuple } = await h.pair();

    s.check(
      "client shutdown(SHUT_WR)",
      brief(await h.run(`shutdown ${client.fd} wr`)),
    );
    s.check("server read()", brief(await h.run(`read ${server.fd} 16 1000`)));
    await s.checkState("server state", serverTuple);
    await s.checkState("client state", clientTuple);
    s.check("server write()", brief(await h.run(`write ${server.fd} hello`)));
    s.check(
      "client read()",
      briefRead(await h.run(`read ${client.fd} 16 1000`)),
    );
    s.check(
      "client SO_ERROR",
      (await h.expectOk(`so-error ${client.fd}`)).fields.so_error,
    );
    s.check("client tcp-info after the data", await h.tcpState(client.fd));
    s.check(
      "server write() again",
      brief(await h.run(`write ${server.fd} world`)),
    );
    s.check(
      "client read() again",
      briefRead(await h.run(`read ${client.fd} 16 1000`)),
    );

    // The clean finish: the server's own FIN, then both sockets' fate.
    s.check("server close()", brief(await h.run(`close ${server.fd}`)));
    s.check(
      "client read() after server close()",
      brief(await h.run(`read ${client.fd} 16 1000`)),
    );
    await s.checkState("server state after both FINs", serverTuple);
    await s.checkState("client state after both FINs", clientTuple);
    s.check("client close()", brief(await h.run(`close ${client.fd}`)));
  },
});

await conformanceCase({
  id,
  layer: "deno",
  summary,
  async fn(s) {
    await using pair = await tcpPair("127.0.0.1");
    const write = (conn: Deno.TcpConn, text: string) =>
      outcome(conn.write(new TextEncoder().encode(text)), 2000);

    s.check(
      "client closeWrite()",
      (await outcome(pair.client.closeWrite().then(() => {}), 2000)).text,
    );
    s.check("server read()", await readOnce(pair.server, 2000));
    await s.checkState("server state", pair.serverTuple);
    await s.checkState("client state", pair.clientTuple);
    s.check("server write()", (await write(pair.server, "hello")).text);
    s.check("client read()", await readOnce(pair.client, 2000));
    s.check("server write() again", (await write(pair.server, "world")).text);
    s.check("client read() again", await readOnce(pair.client, 2000));

    pair.server.close();
    s.check(
      "client read() after server close()",
      await readOnce(pair.client, 2000),
    );
    await s.checkState("server state after both FINs", pair.serverTuple);
    await s.checkState("client state after both FINs", pair.clientTuple);
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
    await h.expectOk(`shutdown ${wire.client.fd} wr`);
    await h.expectOk(`read ${wire.server.fd} 16 1000`);
    for (const word of ["hello", "world"]) {
      await h.expectOk(`write ${wire.server.fd} ${word}`);
      await h.expectOk(`read ${wire.client.fd} 16 1000`);
    }
    await h.expectOk(`close ${wire.server.fd}`);
    await h.expectOk(`read ${wire.client.fd} 16 1000`);
    // The last ACK answers the server's FIN; no system call reports it.
    await wire.capture.waitFor("c:.", { after: "s:F." });
    s.checkSegments("segments", await wire.stop());
  },
});
