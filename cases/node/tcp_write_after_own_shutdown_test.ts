/**
 * tcp-write-after-own-shutdown, through node:net: after our own end() (a
 * shutdown(SHUT_WR) in libuv) a write never reaches the kernel: node:net
 * refuses it itself with ERR_STREAM_WRITE_AFTER_END, where the kernel would
 * have said EPIPE. The C helper, our peer, reads our FIN.
 *
 * Seed: "if the server issues SHUT_WR with shutdown before it tries to do a
 * write, it will in fact get the EPIPE error."
 */

import { brief } from "../../mod.ts";
import {
  describeCall,
  describeErrors,
  lastSeq,
  nodeCase,
} from "../../lib/runtimes/mod.ts";

await nodeCase({
  id: "tcp-write-after-own-shutdown",
  summary:
    "After our own end(), write() is refused by node:net (write after end), not by the kernel.",
  needs: ["helper"],
  async fn(n) {
    const { s, node } = n;
    await using peer = await s.helper("peer");
    const listener = await peer.listen("127.0.0.1");
    const ours = await node.connect(listener.local);
    const theirs = await peer.accept(listener.fd);
    await peer.expectOk(`close ${listener.fd}`);
    let mark = lastSeq((await node.log(ours)).log);
    n.check("end()", describeCall(await node.call("end", ours)));
    // 'finish': our shutdown(SHUT_WR) is done, as in the syscall story.
    const finished = await node.wait(ours, "finish");
    n.checkEvents("events after end()", finished, mark);
    mark = lastSeq(finished.log);
    n.check(
      "write() after own end()",
      describeCall(await node.call("write", ours, "abc")),
    );
    const settled = await node.settle(ours, 200);
    n.checkEvents("events after write()", settled, mark);
    n.check("error", describeErrors(settled.log, mark));
    n.check("peer read()", brief(await peer.run(`read ${theirs.fd} 16 1000`)));
    await peer.expectOk(`close ${theirs.fd}`);
  },
});
