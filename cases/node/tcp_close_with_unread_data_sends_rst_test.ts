/**
 * tcp-close-with-unread-data-sends-rst, through node:net: the C helper
 * sends "hello" to our server socket, which never reads it
 * (`pauseOnConnect`); our destroy() then closes a socket with unread data,
 * and the kernel sends an RST (RFC 2525 §2.17): the helper reads
 * ECONNRESET. A socket that *was* reading has already taken "hello" into
 * node:net, so the same destroy() is a plain FIN: Node differs from the
 * kernel-level story here only because it reads eagerly.
 */

import { brief, briefRead } from "../../mod.ts";
import { describeCall, lastSeq, nodeCase } from "../../lib/runtimes/mod.ts";

await nodeCase({
  id: "tcp-close-with-unread-data-sends-rst",
  summary:
    "destroy() with the peer's data unread (pauseOnConnect) is an RST; after node:net read it, a FIN.",
  needs: ["helper", "tcpdump"],
  async fn(n) {
    const { s, node } = n;
    await using peer = await s.helper("peer");

    // Not reading: the data stays in the kernel, under a capture.
    {
      const { server, local } = await node.listen("127.0.0.1", {
        pauseOnConnect: true,
      });
      await using cap = await s.capture(local);
      const client = await peer.connect(local);
      const ours = await node.accept(server);
      await node.closeServer(server);
      await peer.expectOk(`write ${client.fd} hello`);
      await cap.waitFor("s:.", { after: "c:P.(5)" });
      const mark = lastSeq((await node.log(ours)).log);
      n.check(
        "unread: destroy()",
        describeCall(await node.call("destroy", ours)),
      );
      n.checkEvents("unread: events", await node.wait(ours, "close"), mark);
      n.check(
        "unread: peer read() #1",
        brief(await peer.run(`read ${client.fd} 16 1000`)),
      );
      n.check(
        "unread: peer read() #2",
        brief(await peer.run(`read ${client.fd} 16 1000`)),
      );
      await peer.expectOk(`close ${client.fd}`);
      n.checkSegments("unread: segments", await cap.stop());
    }

    // Reading (the default): node:net has taken the data before destroy().
    {
      const { server, local } = await node.listen("127.0.0.1");
      const client = await peer.connect(local);
      const ours = await node.accept(server);
      await node.closeServer(server);
      await peer.expectOk(`write ${client.fd} hello`);
      n.checkEvents(
        "read: events before destroy()",
        await node.wait(ours, "data"),
      );
      n.check(
        "read: destroy()",
        describeCall(await node.call("destroy", ours)),
      );
      n.check(
        "read: peer read()",
        briefRead(await peer.run(`read ${client.fd} 16 1000`)),
      );
      await peer.expectOk(`close ${client.fd}`);
    }
  },
});
