/**
 * tcp-dead-peer-user-timeout: the peer vanishes after the handshake (no
 * ACK, no FIN, no RST ever arrives: inside a network namespace of the
 * kit's own, an nftables rule drops everything sent to our port but SYNs).
 * Our write succeeds (the data is queued), TCP retransmits it, and once
 * TCP_USER_TIMEOUT (500 ms here) passes without an ACK the connection is
 * dropped: the waiting read fails with ETIMEDOUT, no sooner than the user
 * timeout after the write, and the socket is closed.
 *
 * Source: tcp(7) TCP_USER_TIMEOUT; RFC 5482; net/ipv4/tcp_timer.c
 * tcp_write_timeout(); google/packetdrill user_timeout/user-timeout-probe.pkt
 * (shared/notes/teardown-catalog.md #32).
 */

import { brief, briefRead, conformanceCase, elapsedUs } from "../mod.ts";
import { dropWithoutSyn, helperInNetns } from "../lib/netns/mod.ts";

const id = "tcp-dead-peer-user-timeout";
const summary =
  "A peer that vanishes after the handshake: TCP_USER_TIMEOUT (500 ms) ends the connection, the waiting read fails with ETIMEDOUT.";

/** Ports on the namespace's own loopback (nothing else lives there). */
const PEER_PORT = 40000;
const OUR_PORT = 40001;
/** TCP_USER_TIMEOUT in ms: small, yet above the 200 ms minimum RTO. */
const USER_TIMEOUT_MS = 500;
/** One jiffy at HZ=100, the coarsest tick a kernel timer may round to. */
const JIFFY_MS = 10;

await conformanceCase({
  id,
  layer: "syscall",
  summary,
  needs: ["helper", "netns"],
  waitsForTimer: `TCP_USER_TIMEOUT ${USER_TIMEOUT_MS} ms`,
  async fn(s) {
    await using h = await helperInNetns(
      (o) => s.helper("in a namespace", o),
      dropWithoutSyn(OUR_PORT),
    );
    const listener = await h.listen("127.0.0.1", PEER_PORT);
    const fd = (await h.expectOk("socket 4")).fields.fd;
    await h.expectOk(`bind ${fd} 127.0.0.1 ${OUR_PORT}`);
    s.check(
      `TCP_USER_TIMEOUT ${USER_TIMEOUT_MS} (read back)`,
      (await h.expectOk(`setopt ${fd} user-timeout ${USER_TIMEOUT_MS}`))
        .fields.value,
    );
    s.check(
      "connect() (the handshake passes the rule)",
      brief(await h.run(`connect-fd ${fd} 127.0.0.1 ${PEER_PORT}`)),
    );
    const peer = await h.accept(listener.fd);

    const write = await h.run(`write ${fd} hello`);
    s.check("our write()", brief(write));
    const read = await h.run(`read ${fd} 16 ${10 * USER_TIMEOUT_MS}`);
    s.check("our read() while the peer is silent", brief(read));
    const gaveUpMs = elapsedUs(write.t0, read.t1) / 1000;
    s.timing("ETIMEDOUT after the write", gaveUpMs, "ms");
    s.check(
      "connection dropped",
      gaveUpMs >= USER_TIMEOUT_MS - JIFFY_MS
        ? "after TCP_USER_TIMEOUT"
        : `before TCP_USER_TIMEOUT (${gaveUpMs.toFixed(1)} ms)`,
    );
    const info = (await h.expectOk(`tcp-info ${fd}`)).fields;
    s.check("our state after the timeout", info.state);
    s.check(
      "retransmitted before giving up",
      Number(info.total_retrans) > 0 ? "yes" : "no",
    );
    s.check(
      "our write() after the timeout",
      brief(await h.run(`write ${fd} x`)),
    );
    s.check(
      "peer read() (the data arrived; only its ACKs were lost)",
      briefRead(await h.run(`read ${peer.fd} 16 1000`)),
    );
  },
});
