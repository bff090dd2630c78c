/**
 * tcp-write-after-peer-close, through node:net: the C helper connects and
 * close()s; our node:net server socket sees the FIN. With the default
 * allowHalfOpen false, Node answers with its own FIN at once ('end' →
 * 'finish' → 'close') and a later write is refused by writeAfterFIN. With
 * allowHalfOpen true the socket stays writable: the first write reaches the
 * kernel and draws the peer's RST, the second meets that RST — the errno
 * no Node test asserts.
 *
 * Seed: "the server doesn't know the client will reset the connection until
 * after it tries to send some data to it."
 */

import {
  describeCall,
  describeErrors,
  describeWriteCallbacks,
  lastSeq,
  nodeCase,
  tupleOf,
} from "../../lib/runtimes/mod.ts";

await nodeCase({
  id: "tcp-write-after-peer-close",
  summary:
    "After the peer's close(): default allowHalfOpen answers with FIN and refuses writes; allowHalfOpen writes once, then EPIPE.",
  needs: ["helper", "tcpdump"],
  async fn(n) {
    const { s, node } = n;
    await using peer = await s.helper("peer");

    // Default allowHalfOpen (false), under a capture: our FIN follows theirs.
    {
      const { server, local } = await node.listen("127.0.0.1");
      await using cap = await s.capture(local);
      const client = await peer.connect(local);
      const ours = await node.accept(server);
      await node.closeServer(server);
      n.check(
        "default: allowHalfOpen",
        String((await node.log(ours)).props.allowHalfOpen),
      );
      await peer.expectOk(`close ${client.fd}`);
      const closed = await node.wait(ours, "close");
      n.checkEvents("default: server events after peer close()", closed);
      await cap.waitFor("c:.", { after: "s:F." });
      n.checkSegments("default: segments", await cap.stop());

      const mark = lastSeq(closed.log);
      n.check(
        "default: write() after 'close'",
        describeCall(await node.call("write", ours, "123")),
      );
      const after = await node.settle(ours);
      n.checkEvents("default: events after write()", after, mark);
      n.check(
        "default: write() callback",
        describeWriteCallbacks(after.log, mark),
      );
    }

    // Our end() first, then the peer's FIN: a write in the 'end' handler
    // meets writeAfterFIN (test-net-write-after-end-nt.js).
    {
      const { server, local } = await node.listen("127.0.0.1");
      const client = await peer.connect(local);
      const ours = await node.accept(server);
      await node.closeServer(server);
      await node.call("end", ours);
      const finished = await node.wait(ours, "finish");
      await node.react(ours, "end", "write", "hello");
      const mark = lastSeq(finished.log);
      await peer.expectOk(`close ${client.fd}`);
      const closed = await node.wait(ours, "close");
      n.checkEvents("ended: events from the peer's FIN on", closed, mark);
      n.check(
        "ended: write() callback in 'end'",
        describeWriteCallbacks(closed.log, mark),
      );
    }

    // allowHalfOpen: the socket stays writable after the peer's FIN.
    {
      const { server, local } = await node.listen("127.0.0.1", {
        allowHalfOpen: true,
      });
      const client = await peer.connect(local);
      const ours = await node.accept(server);
      await node.closeServer(server);
      await peer.expectOk(`close ${client.fd}`);
      const ended = await node.wait(ours, "end");
      const settled = await node.settle(ours);
      n.checkEvents("halfOpen: server events after peer close()", settled);
      n.check(
        "halfOpen: server writable after 'end'",
        String(ended.props.writable),
      );

      let mark = lastSeq(settled.log);
      n.check(
        "halfOpen: write() #1",
        describeCall(await node.call("write", ours, "123")),
      );
      const first = await node.wait(ours, "write-cb");
      n.check(
        "halfOpen: write #1 callback",
        describeWriteCallbacks(first.log, mark),
      );
      // The kernel's view: the peer's RST for our data has arrived.
      await n.checkState(
        "halfOpen: server state after write #1",
        tupleOf(ours),
      );

      const quiet = await node.settle(ours);
      n.checkEvents("halfOpen: events after write #1", quiet, mark);
      mark = lastSeq(quiet.log);
      n.check(
        "halfOpen: write() #2",
        describeCall(await node.call("write", ours, "123")),
      );
      const second = await node.wait(ours, "close");
      n.checkEvents("halfOpen: events after write() #2", second, mark);
      n.check(
        "halfOpen: error of write() #2",
        describeErrors(second.log, mark),
      );
    }
  },
});
