/**
 * tcp-rst-with-unread-data, through node:net: our socket is paused, so the
 * helper's "hello" waits in node:net's own buffer (Node keeps reading into
 * it up to highWaterMark), when the helper's RST (SO_LINGER {1, 0}) comes.
 * Is the buffered data still handed out, or does the socket go straight to
 * 'error'? Node's answer (oven-sh/bun PR#39600): 'error' ECONNRESET, then
 * 'close', no 'data' and no 'end'.
 *
 * Seed: "If the other end has unread data in the socket buffer when the
 * RESET arrives, that data will be purged, causing the data to be lost."
 */

import { describeErrors, nodeCase } from "../../lib/runtimes/mod.ts";

await nodeCase({
  id: "tcp-rst-with-unread-data",
  summary:
    "Data buffered on a paused socket when the peer's RST arrives: 'error' ECONNRESET, or the data first?",
  needs: ["helper"],
  async fn(n) {
    const { s, node } = n;
    await using peer = await s.helper("peer");
    const { server, local } = await node.listen("127.0.0.1");
    const client = await peer.connect(local);
    const ours = await node.accept(server);
    await node.closeServer(server);
    await node.call("pause", ours);
    await peer.expectOk(`write ${client.fd} hello`);
    n.checkEvents(
      "paused: events after the peer's data",
      await node.settle(ours),
    );
    await peer.expectOk(`linger ${client.fd} 1 0`);
    await peer.expectOk(`close ${client.fd}`);
    const closed = await node.wait(ours, "close");
    n.checkEvents("paused: events after the RST", closed);
    n.check("paused: error", describeErrors(closed.log));
  },
});
