/**
 * tcp-linger-zero-sends-rst, through node:net. Both directions of an abort:
 * the C helper's SO_LINGER {1, 0} close() reaches our socket as 'error'
 * ECONNRESET; our resetAndDestroy() (SO_LINGER 0 in libuv) reaches the
 * helper as ECONNRESET with `c:R.` on the wire. Then the two orders Node's
 * tests leave open: end() followed by resetAndDestroy() in the same tick,
 * and resetAndDestroy() while still connecting.
 *
 * Seed: "The send gets an immediate error in this case, but it is not
 * EPIPE, it is ECONNRESET."
 */

import { brief } from "../../mod.ts";
import {
  describeCall,
  describeErrors,
  describeWriteCallbacks,
  lastSeq,
  nodeCase,
} from "../../lib/runtimes/mod.ts";

await nodeCase({
  id: "tcp-linger-zero-sends-rst",
  summary:
    "A peer's SO_LINGER-0 close() is 'error' ECONNRESET; resetAndDestroy() is an RST the peer reads as ECONNRESET.",
  needs: ["helper", "tcpdump"],
  async fn(n) {
    const { s, node } = n;
    await using peer = await s.helper("peer");

    // The helper aborts; our server socket observes.
    {
      const { server, local } = await node.listen("127.0.0.1");
      const client = await peer.connect(local);
      const ours = await node.accept(server);
      await node.closeServer(server);
      await peer.expectOk(`linger ${client.fd} 1 0`);
      await peer.expectOk(`close ${client.fd}`);
      const closed = await node.wait(ours, "close");
      n.checkEvents("peer abort: server events", closed);
      n.check("peer abort: server error", describeErrors(closed.log));
      const mark = lastSeq(closed.log);
      n.check(
        "peer abort: write() after 'close'",
        describeCall(await node.call("write", ours, "abc")),
      );
      const after = await node.settle(ours);
      n.check(
        "peer abort: write() callback",
        describeWriteCallbacks(after.log, mark),
      );
      n.checkEvents("peer abort: events after write()", after, mark);
    }

    const listener = await peer.listen("127.0.0.1");

    // We abort with resetAndDestroy(); the helper observes, under a capture.
    {
      await using cap = await s.capture(listener.local);
      const ours = await node.connect(listener.local);
      const theirs = await peer.accept(listener.fd);
      const mark = lastSeq((await node.log(ours)).log);
      n.check(
        "resetAndDestroy(): returned",
        describeCall(await node.call("resetAndDestroy", ours)),
      );
      n.checkEvents(
        "resetAndDestroy(): events",
        await node.wait(ours, "close"),
        mark,
      );
      n.check(
        "resetAndDestroy(): peer read()",
        brief(await peer.run(`read ${theirs.fd} 16 1000`)),
      );
      await peer.expectOk(`close ${theirs.fd}`);
      n.checkSegments("resetAndDestroy(): segments", await cap.stop());
    }

    // end() then resetAndDestroy() in the same tick: a shutdown is pending.
    {
      await using cap = await s.capture(listener.local);
      const ours = await node.connect(listener.local);
      const theirs = await peer.accept(listener.fd);
      const mark = lastSeq((await node.log(ours)).log);
      const [end, reset] = await node.calls(ours, ["end", "resetAndDestroy"]);
      n.check("end() + resetAndDestroy(): end()", describeCall(end));
      n.check(
        "end() + resetAndDestroy(): resetAndDestroy()",
        describeCall(reset),
      );
      const settled = await node.settle(ours, 200);
      n.checkEvents("end() + resetAndDestroy(): events", settled, mark);
      n.check(
        "end() + resetAndDestroy(): error",
        describeErrors(settled.log, mark),
      );
      n.check(
        "end() + resetAndDestroy(): peer read()",
        brief(await peer.run(`read ${theirs.fd} 16 1000`)),
      );
      await peer.expectOk(`close ${theirs.fd}`);
      n.checkSegments("end() + resetAndDestroy(): segments", await cap.stop());
    }

    // resetAndDestroy() in the same tick as connect().
    {
      await using cap = await s.capture(listener.local);
      const { socket, call } = await node.connectThen(
        listener.local,
        "resetAndDestroy",
      );
      n.check("connecting: resetAndDestroy()", describeCall(call));
      n.checkEvents("connecting: events", await node.wait(socket, "close"));
      const theirs = await peer.run(`accept ${listener.fd} 1000`);
      if (theirs.kind === "ok") {
        n.check(
          "connecting: peer read()",
          brief(await peer.run(`read ${theirs.ret} 16 1000`)),
        );
        await peer.expectOk(`close ${theirs.ret}`);
      } else {
        n.check("connecting: peer read()", `no connection: ${brief(theirs)}`);
      }
      n.checkSegments("connecting: segments", await cap.stop());
    }
    await peer.expectOk(`close ${listener.fd}`);
  },
});
