/**
 * unix-write-after-peer-close: an AF_UNIX stream socket knows its peer. After
 * the peer's close(), reads give 0 (EOF) and the first write fails with
 * EPIPE, with no round trip to wait for, unlike TCP.
 *
 * Seed: "Linux is able to do so, because the kernel has innate knowledge
 * about the other end of the pipe or connected pair."
 */

import {
  brief,
  briefRead,
  conformanceCase,
  outcome,
  readOnce,
  withUnixPair,
} from "../mod.ts";

const id = "unix-write-after-peer-close";
const summary =
  "After an AF_UNIX peer's close(), read gives EOF and the first write fails with EPIPE.";

await conformanceCase({
  id,
  layer: "syscall",
  summary,
  needs: ["helper"],
  async fn(s) {
    await using h = await s.helper("socketpair");
    const pair = await h.expectOk("socketpair");
    const [ours, peer] = [pair.fields.fd, pair.fields.fd2];
    // The peer reads what we wrote: a close() with unread data would be a
    // different story (the survivor then reads ECONNRESET on Linux).
    s.check(
      "write() while the peer is open",
      brief(await h.run(`write ${ours} abc`)),
    );
    s.check("peer read()", briefRead(await h.run(`read ${peer} 16 1000`)));
    s.check("peer close()", brief(await h.run(`close ${peer}`)));
    s.check(
      "poll()",
      (await h.expectOk(`poll ${ours} in,rdhup 1000`)).fields.revents,
    );
    s.check("read()", brief(await h.run(`read ${ours} 16 1000`)));
    s.check(
      "write() #1 after peer close()",
      brief(await h.run(`write ${ours} abc`)),
    );

    await using d = await s.helper("default-sigpipe");
    const p = await d.expectOk("socketpair");
    await d.expectOk("sigpipe default");
    const [, write] = await d.batch([
      `close ${p.fields.fd2}`,
      `write ${p.fields.fd} abc`,
    ]);
    s.check("write() #1 after peer close(), SIGPIPE default", brief(write));
  },
});

await conformanceCase({
  id,
  layer: "deno",
  summary,
  needs: ["posix"],
  async fn(s) {
    await withUnixPair(async ({ client, server }) => {
      client.close();
      s.check("read()", await readOnce(server, 2000));
      const write = await outcome(
        server.write(new TextEncoder().encode("abc")),
        2000,
      );
      s.check("write() #1 after peer close()", write.text);
    });
  },
});
