/**
 * tcp-connect-refused: a connect() to a loopback port nobody listens on is
 * answered by an RST to the SYN. A blocking connect fails with ECONNREFUSED;
 * a non-blocking one says EINPROGRESS, then polls POLLERR|POLLHUP, SO_ERROR
 * says ECONNREFUSED once (then 0), read returns 0, and a second connect()
 * on that socket fails with ECONNABORTED. Deno rejects with
 * ConnectionRefused.
 *
 * Source: RFC 9293 §3.10.7.1 (a segment to a CLOSED port draws a reset);
 * net/ipv4/tcp_input.c tcp_reset(): an RST in SYN_SENT is ECONNREFUSED.
 * The port is held by a socket bound without listen(), so no other program
 * can start listening on it during the case.
 */

import { brief, conformanceCase, outcome } from "../mod.ts";

const id = "tcp-connect-refused";
const summary =
  "connect() to a closed loopback port: RST to the SYN; ECONNREFUSED, or EINPROGRESS then SO_ERROR once; Deno ConnectionRefused.";

await conformanceCase({
  id,
  layer: "syscall",
  summary,
  needs: ["helper"],
  async fn(s) {
    await using h = await s.helper("helper");
    const closed = await h.reservePort("127.0.0.1");
    const to = `127.0.0.1 ${closed.local.port}`;

    s.check("blocking connect()", brief(await h.run(`connect ${to}`)));

    const nb = await h.run(`connect ${to} nonblock`);
    s.check("non-blocking connect()", brief(nb));
    const fd = nb.fields.fd;
    if (fd === undefined) return; // no socket to go on with: judged above
    s.check(
      "non-blocking: poll() for writing",
      (await h.expectOk(`poll ${fd} out 1000`)).fields.revents,
    );
    s.check(
      "non-blocking: SO_ERROR #1",
      (await h.expectOk(`so-error ${fd}`)).fields.so_error,
    );
    s.check(
      "non-blocking: SO_ERROR #2",
      (await h.expectOk(`so-error ${fd}`)).fields.so_error,
    );
    s.check("non-blocking: read()", brief(await h.run(`read ${fd} 16 1000`)));
    s.check(
      "non-blocking: connect() again on that socket",
      brief(await h.run(`connect-fd ${fd} ${to}`)),
    );
    await h.expectOk(`close ${fd}`);
    await h.expectOk(`close ${closed.fd}`);
  },
});

await conformanceCase({
  id,
  layer: "deno",
  summary,
  // Deno cannot hold a port without listening on it: the helper holds it.
  needs: ["helper"],
  async fn(s) {
    await using h = await s.helper("port holder");
    const closed = await h.reservePort("127.0.0.1");
    s.check(
      "Deno.connect()",
      (await outcome(
        Deno.connect({ hostname: "127.0.0.1", port: closed.local.port }),
        2000,
      )).text,
    );
    await h.expectOk(`close ${closed.fd}`);
  },
});

await conformanceCase({
  id,
  layer: "wire",
  summary,
  needs: ["helper", "tcpdump"],
  async fn(s) {
    await using h = await s.helper("helper");
    const closed = await h.reservePort("127.0.0.1");
    await using capture = await s.capture(closed.local);
    await h.run(`connect 127.0.0.1 ${closed.local.port}`);
    s.checkSegments("segments", await capture.stop());
    await h.expectOk(`close ${closed.fd}`);
  },
});
