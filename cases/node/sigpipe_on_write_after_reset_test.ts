/**
 * sigpipe-on-write-after-reset, through node:net: the write that meets a
 * reset connection gets EPIPE from the kernel, which also raises SIGPIPE.
 * A runtime that left SIGPIPE at its default would die there; node:net's
 * runtimes must ignore it and turn the EPIPE into 'error', then go on
 * answering.
 *
 * Seed: "According to the write(2) man page, this should give me a SIGPIPE
 * and an EPIPE errno."
 */

import {
  describeErrors,
  lastSeq,
  nodeCase,
  tupleOf,
} from "../../lib/runtimes/mod.ts";

await nodeCase({
  id: "sigpipe-on-write-after-reset",
  summary:
    "The EPIPE write after the peer's RST is an 'error' in node:net; the runtime survives SIGPIPE.",
  needs: ["helper"],
  async fn(n) {
    const { s, node } = n;
    await using peer = await s.helper("peer");
    const { server, local } = await node.listen("127.0.0.1", {
      allowHalfOpen: true,
    });
    const client = await peer.connect(local);
    const ours = await node.accept(server);
    await node.closeServer(server);
    // The peer's close(), our write #1 draws its RST: the next write is the EPIPE one.
    await peer.expectOk(`close ${client.fd}`);
    await node.wait(ours, "end");
    await node.call("write", ours, "123");
    await n.checkState("server state after write #1", tupleOf(ours));

    const mark = lastSeq((await node.settle(ours)).log);
    await node.call("write", ours, "abc");
    const closed = await node.wait(ours, "close");
    n.check("write() after the RST: error", describeErrors(closed.log, mark));
    const alive = await node.log(ours).then(() => "answers", (e) => `${e}`);
    n.check("runtime after the EPIPE write", alive);
  },
});
