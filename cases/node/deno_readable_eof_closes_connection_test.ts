/**
 * deno-readable-eof-closes-connection, through node:net: the same pattern
 * as the Deno case (denoland/deno#22258), the peer half-closes and we read
 * our socket to EOF with `for await` before replying. In node:net too the
 * loop's end destroys the socket (the async iterator's `destroyOnReturn`,
 * and with the writable side still open that is an AbortError), so the
 * reply is refused and the peer reads EOF instead.
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
  id: "deno-readable-eof-closes-connection",
  summary:
    "Reading a node:net socket with for await to EOF after the peer's half-close destroys it: no reply goes out.",
  needs: ["helper"],
  async fn(n) {
    const { s, node } = n;
    await using peer = await s.helper("peer");
    const { server, local } = await node.listen("127.0.0.1", {
      allowHalfOpen: true,
      read: false,
    });
    const client = await peer.connect(local);
    const ours = await node.accept(server);
    await node.closeServer(server);
    await peer.expectOk(`write ${client.fd} request`);
    await peer.expectOk(`shutdown ${client.fd} wr`);

    const loop = await node.iterate(ours);
    n.check(
      "server reads with for await to EOF",
      loop.threw
        ? `threw ${loop.threw.code ?? loop.threw.name}`
        : JSON.stringify(loop.text),
    );
    const settled = await node.settle(ours);
    n.checkEvents("events after the loop", settled);
    n.check("error after the loop", describeErrors(settled.log));

    const mark = lastSeq(settled.log);
    n.check(
      "write() of the reply",
      describeCall(await node.call("write", ours, "reply")),
    );
    n.check(
      "reply callback",
      describeWriteCallbacks((await node.settle(ours)).log, mark),
    );
    n.check(
      "peer read() of the reply",
      brief(await peer.run(`read ${client.fd} 16 1000`)),
    );
    await peer.expectOk(`close ${client.fd}`);
  },
});
