/**
 * tcp-linger-nonzero: SO_LINGER {on, N > 0} makes close() wait up to N
 * seconds for the FIN to be ACKed. Here the peer never reads and its window
 * is closed, so the FIN waits behind our data: close() blocks the whole 1 s
 * (the smallest N) and then returns 0 on Linux (the BSDs return
 * EWOULDBLOCK), and the orphan stays in FIN_WAIT1 with the FIN queued. A
 * process that exits with the same setting does not wait at all. The peer's
 * close (with unread data: an RST) ends the orphan.
 *
 * Source: socket(7) SO_LINGER; net/ipv4/af_inet.c inet_release() (no linger
 * when PF_EXITING); net/ipv4/tcp.c __tcp_close() -> sk_stream_wait_close();
 * shared/notes/teardown-catalog.md (SO_LINGER {1, N>0}).
 */

import {
  brief,
  conformanceCase,
  elapsedUs,
  type Helper,
  type Scenario,
  type Tuple,
} from "../mod.ts";

const id = "tcp-linger-nonzero";
const summary =
  "SO_LINGER {on, 1} with a peer that does not read: close() blocks 1 s then returns, the FIN stays queued; exit() does not wait.";

/** SO_LINGER's time in seconds: the smallest that is not an abort. */
const LINGER_S = 1;
/** One jiffy at HZ=100, the coarsest tick a kernel timer may round to. */
const JIFFY_MS = 10;
/** More than our small send buffer holds. */
const FILL = 1 << 20;

/**
 * Connects `peer` (tiny receive buffer, never reads) to a listener of
 * `closer`; the closer's end is filled until the peer's window closes and
 * gets SO_LINGER {1, LINGER_S}. Returns both descriptors and the closer's
 * tuple.
 */
async function stuckPair(
  s: Scenario,
  label: string,
  closer: Helper,
  peer: Helper,
): Promise<{ ours: number; theirs: number; tuple: Tuple }> {
  const listener = await closer.listen("127.0.0.1");
  const theirs = Number((await peer.expectOk("socket 4")).fields.fd);
  await peer.expectOk(`setopt ${theirs} rcvbuf 1`);
  await peer.expectOk(`connect-fd ${theirs} 127.0.0.1 ${listener.local.port}`);
  const ours = await closer.accept(listener.fd);
  await closer.expectOk(`close ${listener.fd}`);
  await closer.expectOk(`setopt ${ours.fd} sndbuf 4096`);
  await closer.expectOk(`setopt ${ours.fd} nonblock 1`);
  const w = await closer.run(`write ${ours.fd} *${FILL}`);
  s.check(
    `${label}: write() until the peer's window closes`,
    w.kind === "ok" && w.ret > 0 && w.ret < FILL ? "short" : brief(w),
  );
  await closer.expectOk(`setopt ${ours.fd} nonblock 0`);
  s.check(
    `${label}: SO_LINGER {1, ${LINGER_S}}`,
    brief(await closer.run(`linger ${ours.fd} 1 ${LINGER_S}`)),
  );
  return {
    ours: ours.fd,
    theirs,
    tuple: { local: ours.local, remote: ours.peer! },
  };
}

await conformanceCase({
  id,
  layer: "syscall",
  summary,
  needs: ["helper"],
  waitsForTimer: `SO_LINGER ${LINGER_S} s`,
  async fn(s) {
    await using peer = await s.helper("peer");
    {
      await using closer = await s.helper("closer", { timeoutMs: 5000 });
      const p = await stuckPair(s, "close()", closer, peer);
      const close = await closer.run(`close ${p.ours}`);
      s.check("close(): return value", brief(close));
      const blockedMs = elapsedUs(close.t0, close.t1) / 1000;
      s.timing("close() blocked", blockedMs, "ms");
      s.check(
        "close(): returned",
        blockedMs >= LINGER_S * 1000 - JIFFY_MS
          ? "after the linger time"
          : `before the linger time (${blockedMs.toFixed(1)} ms)`,
      );
      await s.checkState("close(): our state after close()", p.tuple);
      await peer.expectOk(`close ${p.theirs}`);
      await s.checkState(
        "close(): our state after the peer's close()",
        p.tuple,
      );
    }
    {
      const closer = await s.helper("exiting closer");
      try {
        const p = await stuckPair(s, "exit()", closer, peer);
        const started = performance.now();
        await closer.expectOk("exit 0");
        const status = await closer.exited();
        const tookMs = performance.now() - started;
        s.timing("exit() took", tookMs, "ms");
        s.check("exit(): process ended", `exited ${status.code}`);
        s.check(
          "exit(): ended",
          tookMs < LINGER_S * 1000
            ? "before the linger time"
            : `after the linger time (${tookMs.toFixed(1)} ms)`,
        );
        await s.checkState("exit(): our state after exit()", p.tuple);
        await peer.expectOk(`close ${p.theirs}`);
        await s.checkState(
          "exit(): our state after the peer's close()",
          p.tuple,
        );
      } finally {
        await closer[Symbol.asyncDispose]();
      }
    }
  },
});
