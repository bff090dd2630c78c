import {
  assert,
  assertEquals,
  assertGreaterOrEqual,
  assertRejects,
} from "@std/assert";
import { Helper, HelperError } from "./helper.ts";
import { ensureHelper } from "./build.ts";
import { brief } from "./protocol.ts";

const built = await ensureHelper();
const ignore = !built.available;
if (!built.available) console.error(`helper tests skipped: ${built.reason}`);
const opts = { sanitizeOps: true, sanitizeResources: true, ignore };

Deno.test({
  name: "Helper answers a malformed command with bad and keeps going",
  ...opts,
  async fn() {
    await using h = await Helper.start();
    for (
      const [cmd, reason] of [
        ["frobnicate", "unknown-command"],
        ["read", "missing-argument"],
        ["read x 10", "not-a-number"],
        ["shutdown 3 sideways", "bad-how"],
        ["listen 999.1.1.1 0", "bad-address"],
        ["poll 0 sideways 0", "bad-events"],
        ["a b c d e f g h i j", "too-many-arguments"],
      ]
    ) {
      const a = await h.run(cmd);
      assertEquals([a.kind, a.fields.reason], ["bad", reason], cmd);
    }
    assertEquals((await h.run("hello")).kind, "ok");
  },
});

Deno.test({
  name: "Helper answers a failed call with its errno name",
  ...opts,
  async fn() {
    await using h = await Helper.start();
    const a = await h.run("close 999");
    assertEquals([a.kind, a.errno], ["fail", "EBADF"]);
  },
});

Deno.test({
  name: "Helper.batch() runs commands back to back, one answer each",
  ...opts,
  async fn() {
    await using h = await Helper.start();
    const [pipe] = await h.batch(["pipe"]);
    const [w, r] = await h.batch([
      `write ${pipe.fields.wfd} hello`,
      `read ${pipe.fields.rfd} 16 1000`,
    ]);
    assertEquals([w.ret, r.ret, r.fields.hex], [5, 5, "68656c6c6f"]);
    assertGreaterOrEqual(r.t0, w.t1);
  },
});

Deno.test({
  name: "Helper reports death by SIGPIPE as a died answer with the signal",
  ...opts,
  async fn() {
    await using h = await Helper.start();
    const sp = await h.expectOk("socketpair");
    await h.expectOk("sigpipe default");
    const [, write, after] = await h.batch([
      `close ${sp.fields.fd2}`,
      `write ${sp.fields.fd} x`,
      "hello",
    ]);
    assertEquals([write.kind, write.exit?.signal], ["died", "SIGPIPE"]);
    assertEquals(after.kind, "died");
    assertEquals((await h.exited()).signal, "SIGPIPE");
  },
});

Deno.test({
  name:
    "Helper kills a hung helper at the command timeout and shows the transcript",
  ...opts,
  async fn() {
    await using h = await Helper.start({ timeoutMs: 300, name: "hung" });
    const l = await h.listen("127.0.0.1");
    const e = await assertRejects(
      () => h.run(`poll ${l.fd} - 60000`),
      HelperError,
      "no answer",
    );
    assert(e.message.includes(`> poll ${l.fd} - 60000`), e.message);
    assertEquals((await h.exited()).signal, "SIGKILL");
  },
});

Deno.test({
  name: "Helper exit command ends the process with the code given",
  ...opts,
  async fn() {
    await using h = await Helper.start();
    await h.expectOk("exit 7");
    assertEquals(await h.exited(), { code: 7, signal: null });
  },
});

Deno.test({
  name: "Helper connects over IPv4 and IPv6 loopback on kernel-chosen ports",
  ...opts,
  async fn() {
    await using h = await Helper.start();
    for (const address of ["127.0.0.1", "::1"]) {
      const l = await h.listen(address);
      if (address === "::1" && l.answer.kind !== "ok") continue;
      const c = await h.connect(l.local);
      const s = await h.accept(l.fd);
      assertEquals(c.peer, s.local);
      assertEquals(await h.tcpState(s.fd), "ESTABLISHED");
    }
  },
});

Deno.test({
  name:
    "Helper.boundPair() connects a client whose port it bound first, and that port frees with it",
  ...opts,
  async fn() {
    await using h = await Helper.start();
    const p = await h.boundPair();
    assertEquals(p.client.peer, p.server.local);
    assertEquals(p.clientTuple.local, p.server.peer);
    assertEquals(await h.tcpState(p.client.fd), "ESTABLISHED");
    assertEquals((await h.run(`write ${p.client.fd} hi`)).ret, 2);
    assertEquals((await h.run(`read ${p.server.fd} 16 1000`)).ret, 2);
    // Aborted (SO_LINGER {1, 0}), the client leaves nothing on its port.
    await h.expectOk(`linger ${p.client.fd} 1 0`);
    await h.expectOk(`close ${p.client.fd}`);
    const fd = Number((await h.expectOk("socket 4")).fields.fd);
    const bind = await h.run(`bind ${fd} 127.0.0.1 ${p.client.local.port}`);
    assertEquals(bind.kind, "ok", brief(bind));
    for (const x of [fd, p.server.fd]) {
      await h.expectOk(`close ${x}`);
    }
  },
});
