/**
 * deno-readable-eof-closes-connection: after the peer's half-close, reading
 * our connection through `conn.readable` to EOF closes the whole resource,
 * write side included, so our reply never leaves (denoland/deno#22258).
 * `conn.read()` keeps the write side open (see
 * tcp-half-close-peer-still-receives). Recorded as a known deviation: the
 * report shows it without failing, and flags it when Deno fixes it.
 */

import { conformanceCase, outcome, readOnce, tcpPair } from "../mod.ts";

await conformanceCase({
  id: "deno-readable-eof-closes-connection",
  layer: "deno",
  summary:
    "Reading conn.readable to EOF after the peer's half-close also closes our write side.",
  async fn(s) {
    await using pair = await tcpPair("127.0.0.1");
    await pair.client.write(new TextEncoder().encode("request"));
    await pair.client.closeWrite();

    let received = "";
    const drained = (async () => {
      for await (const chunk of pair.server.readable) {
        received += new TextDecoder().decode(chunk);
      }
      return received;
    })();
    s.check(
      "server reads conn.readable to EOF",
      JSON.stringify((await outcome(drained, 2000)).text),
    );
    s.check(
      "server write() of the reply",
      (await outcome(
        pair.server.write(new TextEncoder().encode("reply")),
        2000,
      )).text,
    );
    s.check("client read() of the reply", await readOnce(pair.client, 2000));
  },
});
