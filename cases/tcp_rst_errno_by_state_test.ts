/**
 * tcp-rst-errno-by-state: the peer's RST arrives while our socket is in
 * ESTABLISHED, FIN_WAIT1, FIN_WAIT2, CLOSE_WAIT or LAST_ACK, with 5 bytes
 * of the peer's data unread. Which error does SO_ERROR hold, is the data
 * still readable, and what do the next read and write say? Linux reports
 * EPIPE for an RST in CLOSE_WAIT and ECONNRESET in every other state (the
 * BSDs: ECONNRESET everywhere), and keeps the unread data.
 *
 * FIN_WAIT1 and LAST_ACK last only while our FIN is not ACKed: the peer
 * shrinks its receive buffer and never reads, we write until its window
 * closes, so the FIN waits behind the data.
 *
 * Source: net/ipv4/tcp_input.c tcp_reset(); shared/notes/teardown-catalog.md
 * (#4, #5: FreeBSD tcp-testsuite rcv-rst-*, SAPI tcp_handle_rst).
 */

import {
  brief,
  briefRead,
  conformanceCase,
  type Helper,
  helperClientPair,
  outcome,
  readOnce,
  type Scenario,
  type Tuple,
} from "../mod.ts";

const id = "tcp-rst-errno-by-state";
const summary =
  "An RST in ESTABLISHED, FIN_WAIT1/2, CLOSE_WAIT, LAST_ACK: SO_ERROR (Linux: EPIPE only in CLOSE_WAIT), unread data, next read/write.";

/** More than any send buffer holds: the write stops when the window closes. */
const FILL = 1 << 20;

/** Sets our end (`fd`) into `state`, the peer (`peer`) cooperating. */
async function enter(
  s: Scenario,
  h: Helper,
  state: string,
  fd: number,
  peer: number,
): Promise<void> {
  const fill = async () => {
    // A small send buffer of our own, so the write stops short for sure.
    await h.expectOk(`setopt ${fd} sndbuf 4096`);
    await h.expectOk(`setopt ${fd} nonblock 1`);
    const w = await h.run(`write ${fd} *${FILL}`);
    s.check(
      `${state}: our write() until the peer's window closes`,
      w.kind === "ok" && w.ret > 0 && w.ret < FILL ? "short" : brief(w),
    );
  };
  switch (state) {
    case "FIN_WAIT1":
      await fill();
      await h.expectOk(`shutdown ${fd} wr`);
      break;
    case "FIN_WAIT2":
      await h.expectOk(`shutdown ${fd} wr`);
      break;
    case "CLOSE_WAIT":
      await h.expectOk(`shutdown ${peer} wr`);
      break;
    case "LAST_ACK":
      await h.expectOk(`shutdown ${peer} wr`);
      await fill();
      await h.expectOk(`shutdown ${fd} wr`);
      break;
  }
}

const STATES = [
  "ESTABLISHED",
  "FIN_WAIT1",
  "FIN_WAIT2",
  "CLOSE_WAIT",
  "LAST_ACK",
];

await conformanceCase({
  id,
  layer: "syscall",
  summary,
  needs: ["helper"],
  async fn(s) {
    await using h = await s.helper("helper");
    for (const state of STATES) {
      // The peer's receive buffer is set small before connect(), so the
      // window it advertises stays small; it never reads.
      const listener = await h.listen("127.0.0.1");
      const peer = Number((await h.expectOk("socket 4")).fields.fd);
      await h.expectOk(`setopt ${peer} rcvbuf 1`);
      await h.expectOk(`connect-fd ${peer} 127.0.0.1 ${listener.local.port}`);
      const ours = await h.accept(listener.fd);
      await h.expectOk(`close ${listener.fd}`);
      const tuple: Tuple = { local: ours.local, remote: ours.peer! };

      s.check(
        `${state}: peer write()`,
        brief(await h.run(`write ${peer} hello`)),
      );
      await enter(s, h, state, ours.fd, peer);
      await s.checkState(`${state}: our state before the RST`, tuple);

      await h.expectOk(`linger ${peer} 1 0`);
      await h.expectOk(`close ${peer}`);
      await s.checkState(`${state}: our state after the RST`, tuple);
      s.check(
        `${state}: SO_ERROR`,
        (await h.expectOk(`so-error ${ours.fd}`)).fields.so_error,
      );
      s.check(
        `${state}: read() #1`,
        briefRead(await h.run(`read ${ours.fd} 16 1000`)),
      );
      s.check(
        `${state}: read() #2`,
        brief(await h.run(`read ${ours.fd} 16 1000`)),
      );
      s.check(`${state}: write()`, brief(await h.run(`write ${ours.fd} x`)));
      await h.expectOk(`close ${ours.fd}`);
    }
  },
});

await conformanceCase({
  id,
  layer: "deno",
  summary,
  // Deno cannot abort a connection: the helper is the peer that sends the
  // RST; Deno's end is observed. Deno reaches three of the states.
  needs: ["helper"],
  async fn(s) {
    await using h = await s.helper("peer");
    for (const state of ["ESTABLISHED", "FIN_WAIT2", "CLOSE_WAIT"]) {
      await using pair = await helperClientPair(h, "127.0.0.1");
      const peer = pair.client.fd;
      await h.expectOk(`write ${peer} hello`);
      if (state === "FIN_WAIT2") await pair.server.closeWrite();
      if (state === "CLOSE_WAIT") await h.expectOk(`shutdown ${peer} wr`);
      await s.checkState(
        `${state}: our state before the RST`,
        pair.serverTuple,
      );
      await h.expectOk(`linger ${peer} 1 0`);
      await h.expectOk(`close ${peer}`);
      await s.checkState(`${state}: our state after the RST`, pair.serverTuple);
      s.check(`${state}: read() #1`, await readOnce(pair.server, 2000));
      s.check(`${state}: read() #2`, await readOnce(pair.server, 2000));
      s.check(`${state}: read() #3`, await readOnce(pair.server, 2000));
      s.check(
        `${state}: write()`,
        (await outcome(pair.server.write(new TextEncoder().encode("x")), 2000))
          .text,
      );
    }
  },
});
