/**
 * tcp-write-after-own-shutdown: after our own shutdown(SHUT_WR) the kernel
 * needs no news from the peer: the next write fails with EPIPE at once
 * (and SIGPIPE kills a writer that has not ignored it).
 *
 * Seed: "it is trivially true that if the server issues SHUT_WR with
 * shutdown before it tries to do a write, it will in fact get the EPIPE
 * error."
 */

import { brief, conformanceCase, outcome, readOnce, tcpPair } from "../mod.ts";

const id = "tcp-write-after-own-shutdown";
const summary =
  "After our own shutdown(SHUT_WR), write fails at once with EPIPE.";

await conformanceCase({
  id,
  layer: "syscall",
  summary,
  needs: ["helper"],
  async fn(s) {
    await using h = await s.helper("helper");
    const { client, server } = await h.pair();
    s.check(
      "shutdown(SHUT_WR)",
      brief(await h.run(`shutdown ${client.fd} wr`)),
    );
    s.check(
      "write() after own shutdown",
      brief(await h.run(`write ${client.fd} abc`)),
    );
    s.check("peer read()", brief(await h.run(`read ${server.fd} 16 1000`)));

    await using d = await s.helper("default-sigpipe");
    const p = await d.pair();
    await d.expectOk("sigpipe default");
    const [, write] = await d.batch([
      `shutdown ${p.client.fd} wr`,
      `write ${p.client.fd} abc`,
    ]);
    s.check("write() after own shutdown, SIGPIPE default", brief(write));
  },
});

await conformanceCase({
  id,
  layer: "deno",
  summary,
  async fn(s) {
    await using pair = await tcpPair("127.0.0.1");
    s.check(
      "closeWrite()",
      (await outcome(pair.client.closeWrite().then(() => {}), 2000)).text,
    );
    const write = await outcome(
      pair.client.write(new TextEncoder().encode("abc")),
      2000,
    );
    s.check("write() after own closeWrite()", write.text);
    s.check("peer read()", await readOnce(pair.server, 2000));
  },
});
