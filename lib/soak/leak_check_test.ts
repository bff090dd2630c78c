import { assertEquals } from "@std/assert";
import type { StateRow } from "../sockets/state.ts";
import { Helper } from "../helper/helper.ts";
import { ensureHelper } from "../helper/build.ts";
import { tcpdumpUnavailable } from "../wire/tcpdump.ts";
import { startForeignProcesses } from "./testing.ts";
import {
  findLeftovers,
  loopbackConnections,
  orphanedKitProcesses,
} from "./leak_check.ts";

Deno.test("orphanedKitProcesses() counts only the kit's processes with no deno above them", () => {
  const ps = [
    "1 0 init",
    "5 1 subreaper",
    "10 5 deno", // a run going on: its helper and capture are not leftovers
    "11 10 closewait-helpe",
    "12 11 timeout",
    "13 12 tcpdump",
    "20 5 closewait-helpe", // orphaned, adopted by a subreaper
    "30 1 timeout",
    "31 30 tcpdump", // a capture whose test process died
    "40 1 tcpdumpx", // not the kit's
  ].join("\n");
  assertEquals(orphanedKitProcesses(ps), [
    { pid: 20, name: "closewait-helpe" },
    { pid: 31, name: "tcpdump" },
  ]);
});

const built = await ensureHelper();

Deno.test({
  name:
    "findLeftovers() reports an orphaned socket beyond TIME_WAIT, not one a descriptor holds",
  ignore: !built.available,
  sanitizeOps: true,
  sanitizeResources: true,
  async fn() {
    const before = await loopbackConnections();
    await using h = await Helper.start();
    const { client, server } = await h.pair();
    const mine = (rows: StateRow[]) =>
      rows.filter((r) =>
        r.local.port === client.local.port || r.local.port === server.local.port
      );
    // Both ends held by the helper's descriptors: nothing to report.
    assertEquals(mine((await findLeftovers(before, 10)).connections), []);
    // The client closes and the server does not: the client's socket is an
    // orphan (FIN_WAIT1 until its FIN is ACKed, then FIN_WAIT2) that the
    // kernel keeps for tcp_fin_timeout.
    await h.expectOk(`close ${client.fd}`);
    const during = mine((await findLeftovers(before, 10)).connections);
    assertEquals(during.map((r) => r.local.port), [client.local.port]);
    // The server closes too: the client's side moves to TIME_WAIT, allowed.
    await h.expectOk(`close ${server.fd}`);
    assertEquals(mine((await findLeftovers(before, 10)).connections), []);
  },
});

Deno.test({
  name:
    "findLeftovers() counts only the processes of its own run, not a foreign helper or tcpdump",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const runId = crypto.randomUUID();
    const tcpdump = (await tcpdumpUnavailable()) === undefined;
    await using foreign = await startForeignProcesses({ tcpdump });
    await using ours = await startForeignProcesses({
      tcpdump: false,
      env: { CLOSEWAIT_RUN_ID: runId },
    });
    // Let the foreign tcpdump get going, as `tcpdump ... &` would have.
    await new Promise((r) => setTimeout(r, 300));
    const left = await findLeftovers([], 10, runId);
    const pids = left.processes.map((p) => p.pid);
    for (const pid of foreign.pids) {
      assertEquals(pids.includes(pid), false, `foreign ${pid} counted`);
    }
    assertEquals(pids.includes(ours.pids[0]), true, "own leftover missed");
  },
});
