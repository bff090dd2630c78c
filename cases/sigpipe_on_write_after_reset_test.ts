/**
 * sigpipe-on-write-after-reset: the write that meets a reset connection
 * fails with EPIPE, and the kernel also raises SIGPIPE: a process with the
 * default disposition dies of the signal (not an exit code). Ignoring
 * SIGPIPE, or send(MSG_NOSIGNAL), turns it into a plain EPIPE. Deno ignores
 * SIGPIPE: it gets BrokenPipe and keeps running.
 *
 * Seed: "According to the write(2) man page, this should give me a SIGPIPE
 * and an EPIPE errno."
 */

import {
  brief,
  conformanceCase,
  type Helper,
  outcome,
  type Scenario,
  tcpPair,
} from "../mod.ts";

const id = "sigpipe-on-write-after-reset";
const summary =
  "The EPIPE write kills a default-SIGPIPE writer; ignored or MSG_NOSIGNAL, it returns EPIPE.";

/** Peer close(), write #1 (draws the RST), wait for it: the next write is the EPIPE one. */
async function resetConnection(h: Helper): Promise<number> {
  const { client, server } = await h.pair();
  await h.batch([
    `close ${client.fd}`,
    `read ${server.fd} 16 1000`,
    `write ${server.fd} 123`,
    `poll ${server.fd} - 1000`,
  ]);
  return server.fd;
}

/** Whether the helper still answers a command after the write. */
async function alive(h: Helper): Promise<string> {
  const hello = await h.run("hello");
  return hello.kind === "ok" ? "answers" : brief(hello);
}

async function writer(
  s: Scenario,
  name: string,
  disposition: "default" | "ignore",
) {
  const h = await s.helper(name);
  s.check(
    `${name}: sigpipe ${disposition}`,
    brief(await h.run(`sigpipe ${disposition}`)),
  );
  return h;
}

await conformanceCase({
  id,
  layer: "syscall",
  summary,
  needs: ["helper"],
  async fn(s) {
    {
      await using h = await writer(s, "default", "default");
      const fd = await resetConnection(h);
      s.check(
        "default: write() after the RST",
        brief(await h.run(`write ${fd} abc`)),
      );
      const exit = await h.exited();
      s.check(
        "default: how the writer ended",
        exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`,
      );
    }
    {
      await using h = await writer(s, "ignore", "ignore");
      const fd = await resetConnection(h);
      s.check(
        "ignore: write() after the RST",
        brief(await h.run(`write ${fd} abc`)),
      );
      s.check("ignore: writer still answers", await alive(h));
    }
    {
      await using h = await writer(s, "nosignal", "default");
      const fd = await resetConnection(h);
      s.check(
        "nosignal: send(MSG_NOSIGNAL) after the RST",
        brief(await h.run(`send ${fd} abc nosignal`)),
      );
      s.check("nosignal: writer still answers", await alive(h));
    }
  },
});

await conformanceCase({
  id,
  layer: "deno",
  summary,
  // If Deno did not ignore SIGPIPE, this test process would die on write #2
  // and the run would fail with the signal.
  async fn(s) {
    await using pair = await tcpPair("127.0.0.1");
    const bytes = new TextEncoder().encode("123");
    pair.client.close();
    await outcome(pair.server.read(new Uint8Array(16)), 2000);
    s.check("write() #1", (await outcome(pair.server.write(bytes), 2000)).text);
    await s.checkState("client state after write #1", pair.clientTuple);
    s.check(
      "write() after the RST",
      (await outcome(pair.server.write(bytes), 2000)).text,
    );
    s.check(
      "write() again",
      (await outcome(pair.server.write(bytes), 2000)).text,
    );
  },
});
