import {
  assert,
  assertEquals,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { Capture } from "./capture.ts";
import { missingRequirement } from "../case/requirements.ts";
import {
  tcpdumpArgs,
  TcpdumpProcess,
  TcpdumpUnavailable,
  tcpdumpUnavailable,
} from "./tcpdump.ts";
import { matchSequence, sequenceOf } from "./sequence.ts";

// These tests capture for real; without tcpdump (or the right to capture)
// they are ignored, and the reason is printed.
const noTcpdump = await tcpdumpUnavailable();
if (noTcpdump) console.error(`capture tests ignored: ${noTcpdump.reason}`);
const noIpv6 = await missingRequirement(["ipv6"]);
const sanitize = { sanitizeOps: true, sanitizeResources: true };

/** A Deno pair closed in order: client FIN, server FIN, last ACK. */
async function orderlyClose(address: string, capture = true) {
  const listener = Deno.listen({ hostname: address, port: 0 });
  try {
    await using cap = await Capture.start({
      address,
      port: listener.addr.port,
    });
    const accepted = listener.accept();
    const client = await Deno.connect({
      hostname: address,
      port: listener.addr.port,
    });
    const server = await accepted;
    client.close();
    assertEquals(await server.read(new Uint8Array(8)), null);
    server.close();
    // The closing handshake's last ACK follows no system call: wait for it.
    assert(await cap.waitFor("c:.", { after: "s:F." }), "no last ACK");
    return capture ? await cap.stop() : undefined;
  } finally {
    listener.close();
  }
}

Deno.test({
  name:
    "Capture.start() returns once a probe was seen; stop() gives the pair's segments from the SYN on",
  ignore: noTcpdump !== undefined,
  ...sanitize,
  async fn() {
    const result = (await orderlyClose("127.0.0.1"))!;
    assert(result.startup.probes >= 1);
    assert(result.startup.readyMs >= result.startup.listeningMs);
    const m = matchSequence(
      "c:S s:S. c:. c:F. s:. s:F. c:.",
      result.segments,
    );
    assert(m.ok, sequenceOf(result.segments));
    assertEquals(result.connections.length, 1);
    assertEquals(result.segments[0].t, 0);
    // The probes' segments (their own port) are not the case's.
    const port = result.connections[0].server.port;
    assert(
      result.lines.every((l) => l.includes(`.${port}`)),
      result.lines.join("\n"),
    );
    assertStringIncludes(result.description, `port ${port}`);
  },
});

Deno.test({
  name: "Capture over ::1 resolves directions and relative numbers too",
  ignore: noTcpdump !== undefined || noIpv6 !== undefined,
  ...sanitize,
  async fn() {
    const result = (await orderlyClose("::1"))!;
    assert(
      matchSequence("c:S s:S. c:. c:F. s:. s:F. c:.", result.segments).ok,
      sequenceOf(result.segments),
    );
    assertEquals(result.segments.at(-1)?.ack, 2);
  },
});

Deno.test({
  name: "Capture disposal without stop() stops and reaps tcpdump",
  ignore: noTcpdump !== undefined,
  ...sanitize,
  async fn() {
    // The sanitizers fail this test if tcpdump or its pipes outlive it.
    assertEquals(await orderlyClose("127.0.0.1", false), undefined);
  },
});

Deno.test({
  name:
    "Capture.waitFor() gives up at its deadline; stop() called twice gives the one result",
  ignore: noTcpdump !== undefined,
  ...sanitize,
  async fn() {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    try {
      const cap = await Capture.start({
        address: "127.0.0.1",
        port: listener.addr.port,
      });
      // Nothing connected: a wait for a segment ends at its deadline.
      assertEquals(await cap.waitFor("c:S", { timeoutMs: 50 }), undefined);
      const [a, b] = await Promise.all([cap.stop(), cap.stop()]);
      assert(a === b);
      assertEquals(a.segments, []);
      await cap[Symbol.asyncDispose]();
    } finally {
      listener.close();
    }
  },
});

Deno.test({
  name:
    "TcpdumpProcess.stop() ends tcpdump with SIGINT and keeps its statistics",
  ignore: noTcpdump !== undefined,
  ...sanitize,
  async fn() {
    const td = TcpdumpProcess.spawn(tcpdumpArgs("tcp port 9"));
    assert(await td.waitFor(() => td.listening, 5000), td.stderr.join("\n"));
    const status = await td.stop();
    assertEquals(status, { code: 0, signal: null });
    assert(
      td.stderr.some((l) => / packets? captured$/.test(l)),
      td.stderr.join("\n"),
    );
    assert(await td.stop() === status);
  },
});

Deno.test({
  name:
    "TcpdumpProcess: a tcpdump that cannot capture exits, is reaped and says why",
  ignore: noTcpdump !== undefined,
  ...sanitize,
  async fn() {
    await using td = TcpdumpProcess.spawn(
      tcpdumpArgs("tcp port 9", "closewait-nope0"),
    );
    assertEquals(await td.waitFor(() => td.listening, 5000), false);
    assert(td.exitStatus && td.exitStatus.code !== 0);
    assertStringIncludes(td.stderr.join("\n"), "closewait-nope0");
  },
});

Deno.test("TcpdumpProcess.spawn() says how to install a missing tcpdump", () => {
  const e = assertThrows(
    () => TcpdumpProcess.spawn(["--version"], "closewait-no-such-tcpdump"),
    TcpdumpUnavailable,
  );
  assertStringIncludes(e.message, "apt-get install -y tcpdump");
});

Deno.test("TcpdumpProcess.spawn() says how to allow a program Deno may not run", () => {
  // `true` exists but is not in deno.json's run permissions.
  const e = assertThrows(
    () => TcpdumpProcess.spawn([], "true"),
    TcpdumpUnavailable,
  );
  assertStringIncludes(e.message, "--allow-run=tcpdump");
});

Deno.test({
  name:
    "Capture.start() refuses an address Deno may not use, before spawning tcpdump",
  ignore: noTcpdump !== undefined,
  ...sanitize,
  async fn() {
    await assertRejects(
      () => Capture.start({ address: "192.0.2.1", port: 1 }),
      Deno.errors.NotCapable,
    );
  },
});
