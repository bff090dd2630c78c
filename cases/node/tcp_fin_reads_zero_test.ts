/**
 * tcp-fin-reads-zero, through node:net: a FIN is "no more data", whether
 * the C helper called close() or shutdown(SHUT_WR). Our allowHalfOpen
 * socket emits 'end' exactly once and no 'error', is no longer readable,
 * and the kernel holds it in CLOSE_WAIT.
 *
 * Seed: "If after calling read the result is 0, then you know the FIN has
 * arrived."
 */

import { describeErrors, nodeCase, tupleOf } from "../../lib/runtimes/mod.ts";

const endings = [
  { name: "close()", command: (fd: number) => `close ${fd}` },
  { name: "shutdown(SHUT_WR)", command: (fd: number) => `shutdown ${fd} wr` },
];

await nodeCase({
  id: "tcp-fin-reads-zero",
  summary:
    "After the peer's close() or SHUT_WR an allowHalfOpen socket emits 'end' once, no 'error', in CLOSE_WAIT.",
  needs: ["helper"],
  async fn(n) {
    const { s, node } = n;
    await using peer = await s.helper("peer");
    for (const ending of endings) {
      const after = `after peer ${ending.name}`;
      const { server, local } = await node.listen("127.0.0.1", {
        allowHalfOpen: true,
      });
      const client = await peer.connect(local);
      const ours = await node.accept(server);
      await node.closeServer(server);
      await peer.expectOk(ending.command(client.fd));
      await node.wait(ours, "end");
      const settled = await node.settle(ours, 200);
      n.checkEvents(`${after}: events`, settled);
      n.check(`${after}: errors`, describeErrors(settled.log));
      n.check(`${after}: readable`, String(settled.props.readable));
      await n.checkState(`${after}: server state`, tupleOf(ours));
      await node.call("destroy", ours);
      if (ending.name !== "close()") await peer.expectOk(`close ${client.fd}`);
    }
  },
});
