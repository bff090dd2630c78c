/**
 * tcp-exit-with-unread-data-sends-rst, through node:net: the C helper only
 * shuts down its writing half, so our allowHalfOpen socket sees 'end' and
 * stays writable; our "123" is accepted and ACKed but never read. When the
 * helper exits, its kernel sends the RST. Our socket stopped reading at
 * EOF, so nothing reports that RST until the next write meets it.
 *
 * Seed: "Notice the reset at the end comes 5 seconds after the last ACK
 * packet. This reset is due to the program shutting down without properly
 * closing the sockets."
 */

import {
  describeCall,
  describeErrors,
  lastSeq,
  nodeCase,
} from "../../lib/runtimes/mod.ts";

await nodeCase({
  id: "tcp-exit-with-unread-data-sends-rst",
  summary:
    "A SHUT_WR peer exits with our data unread: its RST goes unreported until our next write fails with EPIPE.",
  needs: ["helper", "tcpdump"],
  async fn(n) {
    const { s, node } = n;
    await using peer = await s.helper("peer");
    const { server, local } = await node.listen("127.0.0.1", {
      allowHalfOpen: true,
    });
    await using cap = await s.capture(local);
    const client = await peer.connect(local);
    const ours = await node.accept(server);
    await node.closeServer(server);

    await peer.expectOk(`shutdown ${client.fd} wr`);
    await node.wait(ours, "end");
    let mark = lastSeq((await node.log(ours)).log);
    n.check("write()", describeCall(await node.call("write", ours, "123")));
    const written = await node.wait(ours, "write-cb");
    n.checkEvents("events after write()", written, mark);
    await cap.waitFor("c:.", { after: "s:P.(3)" });

    mark = lastSeq(written.log);
    await peer.expectOk("exit 0");
    await peer.exited();
    await cap.waitFor("c:R.");
    const quiet = await node.settle(ours, 300);
    n.checkEvents("events after the peer's exit", quiet, mark);

    mark = lastSeq(quiet.log);
    n.check(
      "write() after the RST",
      describeCall(await node.call("write", ours, "123")),
    );
    const closed = await node.wait(ours, "close");
    n.checkEvents("events after write() after the RST", closed, mark);
    n.check("error of write() after the RST", describeErrors(closed.log, mark));
    n.checkSegments("segments", await cap.stop());
  },
});
