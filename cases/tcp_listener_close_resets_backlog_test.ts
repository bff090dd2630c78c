/**
 * tcp-listener-close-resets-backlog: closing a listening socket aborts the
 * connections nobody accepted yet. A client whose handshake completed (its
 * connection waits in the accept queue) gets an RST: poll says
 * POLLERR|POLLHUP, read fails with ECONNRESET. A client still in SYN_SENT
 * (its SYN was dropped because the queue was full) is refused when it
 * retransmits the SYN: ECONNREFUSED, one initial RTO after its connect().
 *
 * Source: net/ipv4/inet_connection_sock.c inet_csk_listen_stop(); gVisor
 * test/syscalls/linux/socket_inet_loopback.cc TestListenHangupConnectingRead
 * (shared/notes/teardown-catalog.md).
 */

import {
  brief,
  conformanceCase,
  elapsedUs,
  outcome,
  readOnce,
  type Tuple,
} from "../mod.ts";

const id = "tcp-listener-close-resets-backlog";
const summary =
  "Closing a listener resets its un-accepted connections (ECONNRESET); a client still in SYN_SENT is refused (ECONNREFUSED).";

/** The smallest initial RTO, RFC 6298 §2.1 / include/net/tcp.h (ms). */
const TIMEOUT_INIT_MS = 1000;
/** One jiffy at HZ=100, the coarsest tick a kernel timer may round to. */
const JIFFY_MS = 10;

await conformanceCase({
  id,
  layer: "syscall",
  summary,
  needs: ["helper"],
  waitsForTimer:
    `the initial SYN retransmission timeout, ${TIMEOUT_INIT_MS} ms`,
  async fn(s) {
    await using h = await s.helper("helper");
    // Backlog 0: the accept queue holds one connection (it is full when it
    // holds more than the backlog).
    const listener = await h.listen("127.0.0.1", 0, 0);
    const to = `127.0.0.1 ${listener.local.port}`;

    const a = await h.run(`connect ${to} nonblock`);
    s.check("client A non-blocking connect()", brief(a));
    s.check(
      "client A poll() for writing",
      (await h.expectOk(`poll ${a.fields.fd} out 1000`)).fields.revents,
    );
    const aLocal = a.fields.local;
    const aTuple: Tuple = {
      local: listener.local,
      remote: {
        address: "127.0.0.1",
        port: Number(aLocal.slice(aLocal.lastIndexOf(":") + 1)),
      },
    };
    await s.checkState("server end of A, not accepted", aTuple);
    const queue = (await h.expectOk(`tcp-info ${listener.fd}`)).fields;
    s.check(
      "listener accept queue (length of limit)",
      `${queue.unacked} of ${queue.sacked}`,
    );

    const b = await h.run(`connect ${to} nonblock`);
    s.check("client B non-blocking connect()", brief(b));
    s.check(
      "client B state (queue full)",
      (await h.expectOk(`tcp-info ${b.fields.fd}`)).fields.state,
    );

    s.check("listener close()", brief(await h.run(`close ${listener.fd}`)));
    s.check(
      "client A poll()",
      (await h.expectOk(`poll ${a.fields.fd} in,rdhup 1000`)).fields.revents,
    );
    await s.checkState("server end of A after listener close()", aTuple);
    s.check(
      "client A read() #1",
      brief(await h.run(`read ${a.fields.fd} 16 1000`)),
    );
    s.check(
      "client A read() #2",
      brief(await h.run(`read ${a.fields.fd} 16 1000`)),
    );

    // B learns nothing until it retransmits its SYN to the closed port.
    const poll = await h.expectOk(
      `poll ${b.fields.fd} out ${3 * TIMEOUT_INIT_MS}`,
    );
    s.check("client B poll() for writing", poll.fields.revents);
    const waitedMs = elapsedUs(b.t0, poll.t1) / 1000;
    s.timing("client B refused after connect()", waitedMs, "ms");
    s.check(
      "client B refused",
      waitedMs >= TIMEOUT_INIT_MS - JIFFY_MS
        ? "at the SYN retransmission"
        : `before the SYN retransmission (${waitedMs.toFixed(1)} ms)`,
    );
    s.check(
      "client B SO_ERROR",
      (await h.expectOk(`so-error ${b.fields.fd}`)).fields.so_error,
    );
    await h.expectOk(`close ${a.fields.fd}`);
    await h.expectOk(`close ${b.fields.fd}`);
  },
});

await conformanceCase({
  id,
  layer: "deno",
  summary,
  async fn(s) {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    let client: Deno.TcpConn | undefined;
    try {
      client = await Deno.connect({
        hostname: "127.0.0.1",
        port: listener.addr.port,
      });
      const serverTuple: Tuple = {
        local: { address: "127.0.0.1", port: listener.addr.port },
        remote: { address: "127.0.0.1", port: client.localAddr.port },
      };
      await s.checkState("server end, not accepted", serverTuple);
      listener.close();
      await s.checkState("server end after listener close()", serverTuple);
      s.check("client read() #1", await readOnce(client, 2000));
      s.check("client read() #2", await readOnce(client, 2000));
      s.check(
        "client write()",
        (await outcome(client.write(new TextEncoder().encode("abc")), 2000))
          .text,
      );
    } finally {
      try {
        listener.close();
      } catch {
        // closed above
      }
      client?.close();
    }
  },
});

await conformanceCase({
  id,
  layer: "wire",
  summary,
  needs: ["helper", "tcpdump"],
  async fn(s) {
    await using h = await s.helper("helper");
    const listener = await h.listen("127.0.0.1", 0, 0);
    await using capture = await s.capture(listener.local);
    const a = await h.connect(listener.local);
    await s.checkState("server end, not accepted", {
      local: listener.local,
      remote: a.local,
    });
    await h.batch([
      `close ${listener.fd}`,
      `poll ${a.fd} in 1000`,
    ]);
    s.checkSegments("segments", await capture.stop());
    await h.expectOk(`close ${a.fd}`);
  },
});
