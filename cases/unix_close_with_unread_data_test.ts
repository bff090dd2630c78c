/**
 * unix-close-with-unread-data: an AF_UNIX stream peer closes with our data
 * still unread on its side. Linux makes our next read fail with ECONNRESET
 * (then 0, and writes EPIPE), the way TCP resets; FreeBSD, OpenBSD and macOS
 * report a plain EOF.
 *
 * Source: net/unix/af_unix.c unix_release_sock(): unread data in the closing
 * socket's queue sets the peer's sk_err = ECONNRESET; gVisor
 * socket_unix_stream.cc ReadOneSideClosedWithUnreadData; ocaml-multicore/eio
 * #312 (shared/notes/teardown-catalog.md #8).
 */

import {
  brief,
  conformanceCase,
  outcome,
  readOnce,
  withUnixPair,
} from "../mod.ts";

const id = "unix-close-with-unread-data";
const summary =
  "An AF_UNIX peer closes with our data unread: Linux read ECONNRESET, then 0; BSD/macOS EOF.";

await conformanceCase({
  id,
  layer: "syscall",
  summary,
  needs: ["helper"],
  async fn(s) {
    await using h = await s.helper("helper");
    const p = await h.expectOk("socketpair");
    const [ours, peer] = [p.fields.fd, p.fields.fd2];
    s.check("write() to the peer", brief(await h.run(`write ${ours} abc`)));
    s.check("peer close() with it unread", brief(await h.run(`close ${peer}`)));
    s.check(
      "poll()",
      (await h.expectOk(`poll ${ours} in,rdhup 1000`)).fields.revents,
    );
    s.check("read() #1", brief(await h.run(`read ${ours} 16 1000`)));
    s.check("read() #2", brief(await h.run(`read ${ours} 16 1000`)));
    s.check("write()", brief(await h.run(`write ${ours} x`)));
    await h.expectOk(`close ${ours}`);
  },
});

await conformanceCase({
  id,
  layer: "deno",
  summary,
  needs: ["posix"],
  async fn(s) {
    await withUnixPair(async ({ client, server }) => {
      s.check(
        "write() to the peer",
        (await outcome(client.write(new TextEncoder().encode("abc")), 2000))
          .text,
      );
      server.close();
      s.check("read() #1", await readOnce(client, 2000));
      s.check("read() #2", await readOnce(client, 2000));
      s.check(
        "write()",
        (await outcome(client.write(new TextEncoder().encode("x")), 2000)).text,
      );
    });
  },
});
