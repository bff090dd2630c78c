import { assertEquals } from "@std/assert";
import { canonicalAddress, type Tuple } from "../address/mod.ts";
import {
  parseNetstatBsd,
  parseNetstatWindows,
  parseProcNetTcp,
  rowOf,
  stateOf,
} from "./state.ts";

const fixture = (name: string) =>
  Deno.readTextFile(
    new URL(`../../fixtures/state_tables/${name}`, import.meta.url),
  );

const server: Tuple = {
  local: { address: "127.0.0.1", port: 35473 },
  remote: { address: "127.0.0.1", port: 54006 },
};
const client: Tuple = { local: server.remote, remote: server.local };
const v6: Tuple = {
  local: { address: "::1", port: 36784 },
  remote: { address: "::1", port: 44577 },
};

Deno.test("parseProcNetTcp() reads states and ports of a recorded table", async () => {
  const rows = parseProcNetTcp(await fixture("linux-proc-net-tcp.txt"), true);
  assertEquals(stateOf(rows, server), "CLOSE_WAIT");
  assertEquals(stateOf(rows, client), "FIN_WAIT2");
  assertEquals(rows.filter((r) => r.state === "LISTEN").length, 2);
  // The recorded server got the client's FIN and no data: Linux's rx_queue
  // is rcv_nxt - copied_seq, and the FIN takes one sequence number.
  assertEquals(rowOf(rows, server)?.receiveQueue, 1);
  assertEquals(rowOf(rows, client)?.receiveQueue, 0);
});

Deno.test("parseProcNetTcp() decodes IPv6 loopback addresses", async () => {
  const rows = parseProcNetTcp(await fixture("linux-proc-net-tcp6.txt"), true);
  assertEquals(stateOf(rows, v6), "ESTABLISHED");
  assertEquals(rows[0].local.address, canonicalAddress("::1"));
});

Deno.test("parseProcNetTcp() takes both tables concatenated, headers included", async () => {
  const both = (await fixture("linux-proc-net-tcp.txt")) +
    (await fixture("linux-proc-net-tcp6.txt"));
  const rows = parseProcNetTcp(both, true);
  assertEquals([stateOf(rows, server), stateOf(rows, v6)], [
    "CLOSE_WAIT",
    "ESTABLISHED",
  ]);
});

Deno.test("parseProcNetTcp() honours big-endian words", () => {
  const line = "   0: 7F000001:1F90 7F000001:C350 05 0:0 0:0 0 0 0 0\n";
  const rows = parseProcNetTcp("header\n" + line, false);
  assertEquals(rows[0].local, { address: "127.0.0.1", port: 8080 });
  assertEquals(rows[0].state, "FIN_WAIT2");
});

Deno.test("parseNetstatBsd() reads macOS output and normalises state names", async () => {
  const rows = parseNetstatBsd(await fixture("darwin-netstat-an-p-tcp.txt"));
  assertEquals(stateOf(rows, server), "CLOSE_WAIT");
  assertEquals(stateOf(rows, client), "FIN_WAIT2");
  assertEquals(stateOf(rows, v6), "ESTABLISHED");
  assertEquals(rows.some((r) => r.state === "TIME_WAIT"), true);
});

Deno.test("parseNetstatBsd() reads FreeBSD output (SYN_RCVD is SYN_RECV)", async () => {
  const rows = parseNetstatBsd(await fixture("freebsd-netstat-an-p-tcp.txt"));
  assertEquals(stateOf(rows, client), "FIN_WAIT2");
  assertEquals(rows.at(-1)?.state, "SYN_RECV");
});

Deno.test("parseNetstatWindows() reads TCP rows, CRLF and brackets included", async () => {
  const rows = parseNetstatWindows(await fixture("windows-netstat-an.txt"));
  assertEquals(stateOf(rows, server), "CLOSE_WAIT");
  assertEquals(stateOf(rows, client), "FIN_WAIT2");
  assertEquals(stateOf(rows, v6), "ESTABLISHED");
  assertEquals(rows.length, 6);
});

Deno.test("stateOf() says absent for a connection not listed", () => {
  assertEquals(stateOf([], server), "absent");
});
