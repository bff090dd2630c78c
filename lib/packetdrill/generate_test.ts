import {
  assert,
  assertEquals,
  assertMatch,
  assertStringIncludes,
} from "@std/assert";
import type { CaseResult } from "../case/result.ts";
import { type Generated, scriptsForResult } from "./generate.ts";

const KIT = { name: "@closewait/kit", version: "0.1.0" };
const FIXTURES = new URL("../../fixtures/packetdrill/", import.meta.url);

async function recorded(id: string): Promise<CaseResult> {
  return JSON.parse(await Deno.readTextFile(new URL(`${id}.json`, FIXTURES)));
}

function ok(g: Generated): Extract<Generated, { ok: true }> {
  if (!g.ok) throw new Error(`not generated: ${g.reason}`);
  return g;
}

function reasonOf(g: Generated): string {
  if (g.ok) throw new Error(`generated ${g.name}, expected no script`);
  return g.reason;
}

/** The script's body: its event lines, time column dropped. */
function body(script: string): string[] {
  return script.split("\n").filter((l) => /^\s*(\d|\+|\*)/.test(l))
    .map((l) => l.trim().replace(/^\S+\s+/, ""));
}

/** Asserts `lines` appear in `script`'s body in this order. */
function assertInOrder(script: string, lines: string[]): void {
  const events = body(script);
  let at = -1;
  for (const line of lines) {
    const next = events.findIndex((e, i) => i > at && e === line);
    assert(
      next > at,
      `"${line}" missing or out of order in:\n${events.join("\n")}`,
    );
    at = next;
  }
}

Deno.test("scriptsForResult() makes one script per capture: IPv4 and ::1", async () => {
  const scripts = scriptsForResult(
    await recorded("tcp-write-after-peer-close"),
    KIT,
  ).map(ok);
  assertEquals(scripts.map((g) => g.name), [
    "tcp-write-after-peer-close.ipv4.pkt",
    "tcp-write-after-peer-close.ipv6.pkt",
  ]);
  assertStringIncludes(scripts[0].script, "--ip_version=ipv4\n");
  assertStringIncludes(scripts[1].script, "--ip_version=ipv6\n");
});

Deno.test("scriptsForResult() replays a case captured over IPv4 only on the IPv6 stack too", async () => {
  const scripts = scriptsForResult(
    await recorded("tcp-linger-zero-sends-rst"),
    KIT,
  ).map(ok);
  assertEquals(scripts.map((g) => g.name), [
    "tcp-linger-zero-sends-rst.ipv4.pkt",
    "tcp-linger-zero-sends-rst.ipv6.pkt",
  ]);
  const [v4, v6] = scripts.map((g) => g.script);
  assertStringIncludes(v6, "(ipv6, replayed from the ipv4 capture)");
  assertStringIncludes(v6, "--ip_version=ipv6\n");
  assertEquals(body(v6), body(v4));
});

Deno.test("scriptsForResult() header names the case and the kit version", async () => {
  const [g] = scriptsForResult(await recorded("tcp-linger-zero-sends-rst"), {
    name: "@closewait/kit",
    version: "9.8.7",
  }).map(ok);
  const first = g.script.split("\n")[0];
  assertMatch(first, /^\/\/ tcp-linger-zero-sends-rst \(ipv4, 127\.0\.0\.1\)/);
  assertStringIncludes(first, "@closewait/kit 9.8.7");
});

Deno.test("scriptsForResult() tells the seed's story with the server under test", async () => {
  const scripts = scriptsForResult(
    await recorded("tcp-write-after-peer-close"),
    KIT,
  ).map(ok);
  for (const { script } of scripts) {
    assertInOrder(script, [
      "socket(..., SOCK_STREAM, IPPROTO_TCP) = 3",
      "listen(3, 16) = 0",
      "< S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>",
      "> S. 0:0(0) ack 1 <...>",
      "< . 1:1(0) ack 1 win 257",
      "accept(3, ..., ...) = 4",
      // The client's close(): its FIN is injected, the server reads EOF.
      "< F. 1:1(0) ack 1 win 257",
      "read(4, ..., 16) = 0",
      // The first write succeeds and its data draws the client's RST.
      "write(4, ..., 3) = 3",
      "> P. 1:4(3) ack 2",
      "< R 2:2(0) win 0",
      "poll([{fd=4, events=0, revents=POLLERR|POLLHUP}], 1, 1000) = 1",
    ]);
    // Never the loopback's SYN options (mss 65495, TS, wscale 10).
    assert(!/65495|65476|TS val|wscale 10/.test(script));
  }
});

Deno.test("scriptsForResult() starts every line with a relative time and waits on pure ACKs", async () => {
  const [g] = scriptsForResult(
    await recorded("tcp-half-close-peer-still-receives"),
    KIT,
  ).map(ok);
  const events = g.script.split("\n").filter((l) => /^\s*(\d|\+|\*)/.test(l));
  assertEquals(events[0].trim().split(/\s+/)[0], "0");
  for (const line of events.slice(1)) {
    assertMatch(line, /^\s*(\+\.?\d+|\*) /);
    if (/> \. \d+:\d+\(0\)/.test(line)) assertMatch(line, /^\s*\* /);
  }
  assertInOrder(g.script, [
    "< F. 1:1(0) ack 1 win 257",
    "read(4, ..., 16) = 0",
    "write(4, ..., 5) = 5",
    "> P. 1:6(5) ack 2",
    "< . 2:2(0) ack 6 win 257",
    "write(4, ..., 5) = 5",
    "> P. 6:11(5) ack 2",
    "< . 2:2(0) ack 11 win 257",
    "close(4) = 0",
    "> F. 11:11(0) ack 2",
    "< . 2:2(0) ack 12 win 257",
  ]);
});

Deno.test("scriptsForResult() places a close() before the RST it sends", async () => {
  const [g] = scriptsForResult(
    await recorded("tcp-close-with-unread-data-sends-rst"),
    KIT,
  ).map(ok);
  assertInOrder(g.script, [
    "< P. 1:6(5) ack 1 win 257",
    "poll([{fd=4, events=POLLIN, revents=POLLIN}], 1, 1000) = 1",
    "close(4) = 0",
    "> R. 1:1(0) ack 6",
  ]);
});

Deno.test("scriptsForResult() takes the listening helper as SUT when two helpers play", async () => {
  const [g] = scriptsForResult(
    await recorded("tcp-exit-with-unread-data-sends-rst"),
    KIT,
  ).map(ok);
  assertInOrder(g.script, [
    "accept(3, ..., ...) = 4",
    "< F. 1:1(0) ack 1 win 257",
    "read(4, ..., 16) = 0",
    "write(4, ..., 3) = 3",
    "> P. 1:4(3) ack 2",
    "< . 2:2(0) ack 4 win 257",
    // The peer's exit: an RST, and the server's poll sees it.
    "< R. 2:2(0) ack 4 win 257",
    "poll([{fd=4, events=0, revents=POLLERR|POLLHUP}], 1, 5000) = 1",
  ]);
  // The peer's own calls (connect, shutdown, exit) are not the script's.
  assert(!/shutdown|exit/.test(body(g.script).join("\n")));
});

Deno.test("scriptsForResult() scripts the connecting end when nothing listened", async () => {
  const [g] = scriptsForResult(await recorded("tcp-connect-refused"), KIT)
    .map(ok);
  assertStringIncludes(g.script, "The connecting end is the system under test");
  assertInOrder(g.script, [
    "socket(..., SOCK_STREAM, IPPROTO_TCP) = 3",
    "connect(3, ..., ...) = -1 ECONNREFUSED (Connection refused)",
    "> S 0:0(0) <...>",
  ]);
  // A blocking connect(): packetdrill runs it in its own thread, to the
  // time the RST is injected.
  assertMatch(g.script, /\+0\.\.\.\d\.\d{3} connect\(3/);
  // The RST ends it; then the helper closes the socket, as it did.
  const events = body(g.script);
  assertMatch(events.at(-2)!, /^< R\. \d+:\d+\(0\) ack 1 win \d+$/);
  assertEquals(events.at(-1), "close(3) = 0");
});

Deno.test("scriptsForResult() reports a layer without a capture as not generated", async () => {
  const wire = await recorded("tcp-linger-zero-sends-rst");
  const [deno] = scriptsForResult({ ...wire, layer: "deno" }, KIT);
  assertStringIncludes(reasonOf(deno), "only wire cases are scripted");
  const [bare] = scriptsForResult({ ...wire, transcripts: undefined }, KIT);
  assertStringIncludes(reasonOf(bare), "no helper transcript");
  const [none] = scriptsForResult({ ...wire, trace: undefined }, KIT);
  assertStringIncludes(reasonOf(none), "no capture");
});

Deno.test("scriptsForResult() reports a helper that died as not generated", async () => {
  const wire = await recorded("tcp-write-after-peer-close");
  const transcripts = structuredClone(wire.transcripts!);
  const write = transcripts[0].calls.find((c) =>
    c.command.startsWith("write")
  )!;
  Object.assign(write, { kind: "died", answer: "", ret: -1 });
  transcripts[0].exit = "SIGPIPE";
  const [g] = scriptsForResult({ ...wire, transcripts }, KIT);
  assertStringIncludes(reasonOf(g), "died");
  assertStringIncludes(reasonOf(g), "SIGPIPE");
});

Deno.test("scriptsForResult() reports a call it cannot express as not generated", async () => {
  const wire = await recorded("tcp-write-after-peer-close");
  const transcripts = structuredClone(wire.transcripts!);
  const read = transcripts[0].calls.find((c) => c.command.startsWith("read"))!;
  read.command = read.command.replace(/^read/, "frobnicate");
  const [g] = scriptsForResult({ ...wire, transcripts }, KIT);
  assertStringIncludes(reasonOf(g), "no packetdrill equivalent");
});

Deno.test("scriptsForResult() leaves out a retransmission, with a note", async () => {
  const wire = await recorded("tcp-write-after-peer-close");
  const trace = structuredClone(wire.trace!);
  delete trace.others;
  const data = trace.segments.findIndex((s) => s.from === "server" && s.len);
  // The data sent twice before the RST came back, as a loaded machine does.
  trace.segments.splice(data + 1, 0, {
    ...trace.segments[data],
    t: trace.segments[data].t + 0.2,
  });
  const [g] = scriptsForResult({ ...wire, trace }, KIT).map(ok);
  assertEquals(body(g.script).filter((l) => l.startsWith("> P.")).length, 1);
  assertStringIncludes(g.script, "// left out: s:P.(3) seq 1 repeated");
});

Deno.test("scriptsForResult() turns tcp-info into a TCP_INFO state check", async () => {
  const wire = await recorded("tcp-write-after-peer-close");
  const transcripts = structuredClone(wire.transcripts!);
  const calls = transcripts[0].calls;
  const read = calls.findIndex((c) => c.command.startsWith("read"));
  const fd = calls[read].command.split(" ")[1];
  calls.splice(read + 1, 0, {
    command: `tcp-info ${fd}`,
    answer: "ok ret=0 state=CLOSE_WAIT rtt_us=20",
    kind: "ok",
    ret: 0,
    t0Ns: calls[read].t1Ns! + 1,
    t1Ns: calls[read].t1Ns! + 2,
  });
  const [g] = scriptsForResult(
    { ...wire, transcripts, trace: { ...wire.trace!, others: undefined } },
    KIT,
  ).map(ok);
  assertInOrder(g.script, [
    "read(4, ..., 16) = 0",
    "%{ assert tcpi_state == TCP_CLOSE_WAIT, tcpi_state }%",
    "write(4, ..., 3) = 3",
  ]);
});

Deno.test("scriptsForResult() puts a poll() after the data it found readable, however late connect() returned", async () => {
  // A run where the clocks alone (connect() took 0.9 ms) would put the
  // server's poll() 90 µs before the client's data arrived.
  const [g] = scriptsForResult(
    await recorded("tcp-close-with-unread-data-sends-rst.poll-near-data"),
    KIT,
  ).map(ok);
  assertInOrder(g.script, [
    "< P. 1:6(5) ack 1 win 257",
    "poll([{fd=4, events=POLLIN, revents=POLLIN}], 1, 1000) = 1",
    "close(4) = 0",
  ]);
});

Deno.test("scriptsForResult() puts a lone pure ACK before the write() it would have ridden on", async () => {
  // A run where the server's ACK of the FIN left alone, close to its write().
  const [g] = scriptsForResult(
    await recorded("tcp-half-close-peer-still-receives.ack-near-write"),
    KIT,
  ).map(ok);
  assertInOrder(g.script, [
    "< F. 1:1(0) ack 1 win 257",
    "> . 1:1(0) ack 2",
    "write(4, ..., 5) = 5",
    "> P. 1:6(5) ack 2",
  ]);
});

Deno.test("scriptsForResult() puts close() before its RST, the listener's earlier close() notwithstanding", async () => {
  // A run where the listener's close() (which sends nothing once the
  // connection is accepted) was taken for the RST's cause.
  const [g] = scriptsForResult(
    await recorded("tcp-close-with-unread-data-sends-rst.close-near-rst"),
    KIT,
  ).map(ok);
  assertInOrder(g.script, [
    "close(3) = 0",
    "close(4) = 0",
    "> R. 1:1(0) ack 6",
  ]);
});
