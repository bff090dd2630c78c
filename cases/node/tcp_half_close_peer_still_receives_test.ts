/**
 * tcp-half-close-peer-still-receives, through node:net: the C helper
 * shuts down its writing half. With allowHalfOpen true our node:net socket
 * sees 'end' and stays writable: both writes reach the helper, and our
 * end() is a FIN of its own. With the default allowHalfOpen false, Node
 * ends its side at once, so the helper reads EOF and nothing else
 * (oven-sh/bun#13217, nodejs/node#49073 ask whether allowHalfOpen works).
 *
 * Seed: "since a TCP connection is bi-directional, the server that receives
 * the FIN assumes the client can still receive data."
 */

import { brief, briefRead } from "../../mod.ts";
import { describeCall, lastSeq, nodeCase } from "../../lib/runtimes/mod.ts";

await nodeCase({
  id: "tcp-half-close-peer-still-receives",
  summary:
    "After the peer's SHUT_WR, allowHalfOpen keeps writing until our end(); the default ends at once.",
  needs: ["helper", "tcpdump"],
  async fn(n) {
    const { s, node } = n;
    await using peer = await s.helper("peer");

    // allowHalfOpen: the peer still receives, under a capture.
    {
      const { server, local } = await node.listen("127.0.0.1", {
        allowHalfOpen: true,
      });
      await using cap = await s.capture(local);
      const client = await peer.connect(local);
      const ours = await node.accept(server);
      await node.closeServer(server);
      await peer.expectOk(`shutdown ${client.fd} wr`);
      await node.wait(ours, "end");
      const ended = await node.settle(ours);
      n.checkEvents("halfOpen: events after peer SHUT_WR", ended);
      for (const word of ["hello", "world"]) {
        n.check(
          `halfOpen: write("${word}")`,
          describeCall(await node.call("write", ours, word)),
        );
        n.check(
          `halfOpen: peer read() of "${word}"`,
          briefRead(await peer.run(`read ${client.fd} 16 1000`)),
        );
      }
      const mark = lastSeq((await node.settle(ours)).log);
      n.check("halfOpen: end()", describeCall(await node.call("end", ours)));
      n.check(
        "halfOpen: peer read() after end()",
        brief(await peer.run(`read ${client.fd} 16 1000`)),
      );
      n.checkEvents(
        "halfOpen: events after end()",
        await node.wait(ours, "close"),
        mark,
      );
      await peer.expectOk(`close ${client.fd}`);
      // The last ACK answers our FIN; no event reports it.
      await cap.waitFor("c:.", { after: "s:F." });
      n.checkSegments("halfOpen: segments", await cap.stop());
    }

    // Default allowHalfOpen (false): Node answers the FIN with its own.
    {
      const { server, local } = await node.listen("127.0.0.1");
      const client = await peer.connect(local);
      const ours = await node.accept(server);
      await node.closeServer(server);
      await peer.expectOk(`shutdown ${client.fd} wr`);
      n.checkEvents(
        "default: events after peer SHUT_WR",
        await node.wait(ours, "close"),
      );
      n.check(
        "default: peer read()",
        brief(await peer.run(`read ${client.fd} 16 1000`)),
      );
      await peer.expectOk(`close ${client.fd}`);
    }
  },
});
