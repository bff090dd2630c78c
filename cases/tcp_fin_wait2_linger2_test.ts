/**
 * tcp-fin-wait2-linger2: a socket closed while its peer keeps its end open
 * waits in FIN_WAIT2 for the peer's FIN, but not for ever: TCP_LINGER2 (here
 * 1 s, the smallest value) bounds how long the orphan stays. Until then the
 * closer's exact address cannot be bound (EADDRINUSE); after it, it can.
 * TCP_LINGER2 < 0 skips the wait: close() in FIN_WAIT2 sends an RST. Values
 * above the kernel's limit are clamped (120 s since Linux 5.8, earlier the
 * tcp_fin_timeout sysctl), read back through getsockopt.
 *
 * The client binds its port before it connects (`boundPair()`): a port
 * connect() picks may also be held by other connections' TIME_WAIT sockets
 * (connect() shares ports across destinations), and a bind() of it would
 * then fail for them, not for this case (1 of 200 soak runs did).
 *
 * Source: net/ipv4/tcp.c __tcp_close() and do_tcp_setsockopt() TCP_LINGER2;
 * gVisor socket_inet_loopback_isolated.cc TCPFinWait2Test,
 * TCPLinger2TimeoutAfterClose (shared/notes/teardown-catalog.md).
 */

import {
  brief,
  conformanceCase,
  elapsedUs,
  type Helper,
  type HelperPair,
  type Scenario,
} from "../mod.ts";

const id = "tcp-fin-wait2-linger2";
// The addresses bound again came from bind(0), which Linux takes from the
// odd ports while connect() takes even ones (inet_csk_find_open_port), so
// other cases' connect() running beside this file cannot take them.
const summary =
  "TCP_LINGER2 bounds an orphaned FIN_WAIT2 (address EADDRINUSE until then); TCP_LINGER2 < 0 sends an RST at close.";

/** TCP_LINGER2 in seconds: the smallest positive value. */
const LINGER2_S = 1;
/** One jiffy at HZ=100, the coarsest tick a kernel timer may round to. */
const JIFFY_MS = 10;

/**
 * Binds a new socket to `port` on 127.0.0.1, up to `tries` times 20 ms
 * apart until it succeeds (the timewait socket leaves the table the state
 * probe reads a moment before it leaves the port's bind bucket:
 * net/ipv4/inet_timewait_sock.c inet_twsk_kill(); gVisor's TCPFinWait2Test
 * retries its bind 5 times too). The last answer; each socket is closed.
 */
async function bindAgain(h: Helper, port: number, tries = 1): Promise<string> {
  let answer = "";
  for (let i = 0; i < tries; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 20));
    const fd = (await h.expectOk("socket 4")).fields.fd;
    answer = brief(await h.run(`bind ${fd} 127.0.0.1 ${port}`));
    await h.expectOk(`close ${fd}`);
    if (answer === "0") break;
  }
  return answer;
}

/** The client of a fresh pair shuts down writing, then sets TCP_LINGER2 -1. */
async function abortInFinWait2(
  s: Scenario,
  h: Helper,
  pair: HelperPair,
): Promise<bigint> {
  s.check(
    "linger2 -1: TCP_LINGER2 -1 (read back)",
    (await h.expectOk(`setopt ${pair.client.fd} linger2 -1`)).fields.value,
  );
  await h.expectOk(`shutdown ${pair.client.fd} wr`);
  await s.checkState(
    "linger2 -1: client state before close()",
    pair.clientTuple,
  );
  const close = await h.run(`close ${pair.client.fd}`);
  s.check("linger2 -1: client close()", brief(close));
  return close.t0;
}

await conformanceCase({
  id,
  layer: "syscall",
  summary,
  needs: ["helper", "linux"],
  waitsForTimer: `TCP_LINGER2 ${LINGER2_S} s`,
  async fn(s) {
    await using h = await s.helper("helper");

    const clamp = (await h.expectOk("socket 4")).fields.fd;
    s.check(
      "TCP_LINGER2 200 (read back)",
      (await h.expectOk(`setopt ${clamp} linger2 200`)).fields.value,
    );
    await h.expectOk(`close ${clamp}`);

    const pair = await h.boundPair();
    const port = pair.client.local.port;
    s.check(
      `TCP_LINGER2 ${LINGER2_S} (read back)`,
      (await h.expectOk(`setopt ${pair.client.fd} linger2 ${LINGER2_S}`))
        .fields.value,
    );
    const close = await h.run(`close ${pair.client.fd}`);
    s.check("client close()", brief(close));
    await s.checkState("client state after close()", pair.clientTuple);
    await s.checkState("server state after close()", pair.serverTuple);
    s.check(
      "bind() of the client's address in FIN_WAIT2",
      await bindAgain(h, port),
    );
    await s.checkState("client state after TCP_LINGER2", pair.clientTuple);
    const gone = await h.expectOk("clock");
    const lastedMs = elapsedUs(close.t0, gone.t0) / 1000;
    s.timing("FIN_WAIT2 gone after close()", lastedMs, "ms");
    s.check(
      "FIN_WAIT2 ended",
      lastedMs >= LINGER2_S * 1000 - JIFFY_MS
        ? "after TCP_LINGER2"
        : `before TCP_LINGER2 (${lastedMs.toFixed(1)} ms)`,
    );
    s.check(
      "bind() of the client's address after TCP_LINGER2",
      await bindAgain(h, port, 5),
    );
    await h.expectOk(`close ${pair.server.fd}`);

    const abort = await h.boundPair();
    await abortInFinWait2(s, h, abort);
    await s.checkState(
      "linger2 -1: client state after close()",
      abort.clientTuple,
    );
    await s.checkState(
      "linger2 -1: server state after close()",
      abort.serverTuple,
    );
    s.check(
      "linger2 -1: server SO_ERROR",
      (await h.expectOk(`so-error ${abort.server.fd}`)).fields.so_error,
    );
    await h.expectOk(`close ${abort.server.fd}`);
  },
});

await conformanceCase({
  id,
  layer: "wire",
  summary,
  needs: ["helper", "tcpdump"],
  async fn(s) {
    await using h = await s.helper("helper");
    await using wire = await s.wirePair(h);
    await abortInFinWait2(s, h, wire);
    await s.checkState(
      "linger2 -1: server state after close()",
      wire.serverTuple,
    );
    s.checkSegments("segments", await wire.stop());
    await h.expectOk(`close ${wire.server.fd}`);
  },
});
