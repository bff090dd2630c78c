/**
 * tcp-dead-peer-keepalive: an idle connection whose peer vanished (inside a
 * network namespace of the kit's own, an nftables rule drops everything sent
 * to our port but SYNs). With SO_KEEPALIVE, TCP_KEEPIDLE 1 s, TCP_KEEPINTVL
 * 1 s and TCP_KEEPCNT 1 (the smallest values), one probe goes unanswered and
 * the connection is dropped: the waiting read fails with ETIMEDOUT no sooner
 * than idle + count x interval (2 s), and Linux sends the peer an RST.
 *
 * Source: tcp(7) TCP_KEEPIDLE/TCP_KEEPINTVL/TCP_KEEPCNT; net/ipv4/tcp_timer.c
 * tcp_keepalive_timer() (shared/notes/teardown-catalog.md: keepalive against
 * a dead peer).
 */

import { brief, conformanceCase, elapsedUs } from "../mod.ts";
import { dropWithoutSyn, helperInNetns } from "../lib/netns/mod.ts";

const id = "tcp-dead-peer-keepalive";
const summary =
  "An idle peer that vanished: keepalive (idle 1 s, interval 1 s, 1 probe) drops the connection with ETIMEDOUT and an RST.";

/** Ports on the namespace's own loopback (nothing else lives there). */
const PEER_PORT = 40000;
const OUR_PORT = 40001;
/** The smallest keepalive settings: seconds, seconds, probes. */
const IDLE_S = 1;
const INTERVAL_S = 1;
const COUNT = 1;
/** One jiffy at HZ=100, the coarsest tick a kernel timer may round to. */
const JIFFY_MS = 10;

await conformanceCase({
  id,
  layer: "syscall",
  summary,
  needs: ["helper", "netns"],
  waitsForTimer:
    `TCP_KEEPIDLE ${IDLE_S} s + TCP_KEEPINTVL ${INTERVAL_S} s × TCP_KEEPCNT ${COUNT}`,
  async fn(s) {
    await using h = await helperInNetns(
      (o) => s.helper("in a namespace", o),
      dropWithoutSyn(OUR_PORT),
    );
    const listener = await h.listen("127.0.0.1", PEER_PORT);
    const fd = (await h.expectOk("socket 4")).fields.fd;
    await h.expectOk(`bind ${fd} 127.0.0.1 ${OUR_PORT}`);
    for (
      const [name, value] of [
        ["keepalive", 1],
        ["keepidle", IDLE_S],
        ["keepintvl", INTERVAL_S],
        ["keepcnt", COUNT],
      ] as const
    ) {
      s.check(
        `${name} ${value} (read back)`,
        (await h.expectOk(`setopt ${fd} ${name} ${value}`)).fields.value,
      );
    }
    const connect = await h.run(`connect-fd ${fd} 127.0.0.1 ${PEER_PORT}`);
    s.check("connect() (the handshake passes the rule)", brief(connect));
    const peer = await h.accept(listener.fd);

    const deadlineMs = 3 * (IDLE_S + COUNT * INTERVAL_S) * 1000;
    const read = await h.run(`read ${fd} 16 ${deadlineMs}`);
    s.check("our read() while the peer is silent", brief(read));
    const idleMs = elapsedUs(connect.t1, read.t1) / 1000;
    s.timing("ETIMEDOUT after the handshake", idleMs, "ms");
    s.check(
      "connection dropped",
      idleMs >= (IDLE_S + COUNT * INTERVAL_S) * 1000 - JIFFY_MS
        ? "after idle + count x interval"
        : `before idle + count x interval (${idleMs.toFixed(1)} ms)`,
    );
    s.check(
      "our state after the timeout",
      (await h.expectOk(`tcp-info ${fd}`)).fields.state,
    );
    s.check(
      "peer read() (our RST reached it)",
      brief(await h.run(`read ${peer.fd} 16 1000`)),
    );
    s.check(
      "our write() after the timeout",
      brief(await h.run(`write ${fd} x`)),
    );
  },
});
