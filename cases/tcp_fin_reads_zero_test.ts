/**
 * tcp-fin-reads-zero: a FIN is "no more data", whether the peer called
 * close() or shutdown(SHUT_WR). Our socket polls readable, read returns 0
 * (Deno: null) again and again without an error, and the state is CLOSE_WAIT.
 *
 * Seed: "you can detect the arrival of the FIN by polling on the server
 * socket for a readable event. If after calling read the result is 0, then
 * you know the FIN has arrived."
 */

import { brief, conformanceCase, outcome, tcpPair } from "../mod.ts";

const id = "tcp-fin-reads-zero";
const summary =
  "After the peer's close() or SHUT_WR: poll readable, read 0 twice without error, CLOSE_WAIT.";

/** The two ways a peer sends a FIN, as helper commands and Deno calls. */
const endings = [
  {
    name: "close()",
    command: (fd: number) => `close ${fd}`,
    deno: (c: Deno.TcpConn) => c.close(),
  },
  {
    name: "shutdown(SHUT_WR)",
    command: (fd: number) => `shutdown ${fd} wr`,
    deno: (c: Deno.TcpConn) => c.closeWrite(),
  },
];

await conformanceCase({
  id,
  layer: "syscall",
  summary,
  needs: ["helper"],
  async fn(s) {
    await using h = await s.helper("helper");
    for (const ending of endings) {
      const { client, server, serverTuple } = await h.pair();
      const after = `after peer ${ending.name}`;
      s.check(
        `peer ${ending.name}`,
        brief(await h.run(ending.command(client.fd))),
      );
      s.check(
        `${after}: server poll()`,
        (await h.expectOk(`poll ${server.fd} in,rdhup 1000`)).fields.revents,
      );
      s.check(
        `${after}: server read() #1`,
        brief(await h.run(`read ${server.fd} 16 1000`)),
      );
      s.check(
        `${after}: server read() #2`,
        brief(await h.run(`read ${server.fd} 16 1000`)),
      );
      s.check(
        `${after}: server SO_ERROR`,
        (await h.expectOk(`so-error ${server.fd}`)).fields.so_error,
      );
      await s.checkState(`${after}: server state`, serverTuple);
      await h.expectOk(`close ${server.fd}`);
      if (ending.name !== "close()") await h.expectOk(`close ${client.fd}`);
    }
  },
});

await conformanceCase({
  id,
  layer: "deno",
  summary,
  async fn(s) {
    for (const ending of endings) {
      await using pair = await tcpPair("127.0.0.1");
      const after = `after peer ${ending.name}`;
      await ending.deno(pair.client);
      s.check(
        `${after}: server read() #1`,
        (await outcome(pair.server.read(new Uint8Array(16)), 2000)).text,
      );
      s.check(
        `${after}: server read() #2`,
        (await outcome(pair.server.read(new Uint8Array(16)), 2000)).text,
      );
      await s.checkState(`${after}: server state`, pair.serverTuple);
    }
  },
});
