import { assertEquals, assertStringIncludes } from "@std/assert";
import type { CaseResult } from "../case/result.ts";
import { caseFromResult, type ReportCase } from "../report/report.ts";
import {
  addPacketdrillLayer,
  packetdrillRows,
  scriptFolderProblem,
} from "./layer.ts";
import type { ScriptRun } from "./run.ts";

const KIT = { name: "@closewait/kit", version: "0.1.0" };
const FIXTURES = new URL("../../fixtures/packetdrill/", import.meta.url);

async function wireRow(id: string): Promise<ReportCase> {
  const result: CaseResult = JSON.parse(
    await Deno.readTextFile(new URL(`${id}.json`, FIXTURES)),
  );
  return caseFromResult(result, `cases/${id.replaceAll("-", "_")}_test.ts`);
}

/** A runner that answers from a table by script name, recording calls. */
function fakeRunner(answers: Record<string, ScriptRun>) {
  const ran: string[] = [];
  return {
    ran,
    run: (name: string) => {
      ran.push(name);
      return Promise.resolve(
        answers[name] ?? { status: "passed" as const, durationMs: 1 },
      );
    },
  };
}

Deno.test("packetdrillRows() gives each wire case one row, one step per script", async () => {
  const fake = fakeRunner({});
  const { rows } = await packetdrillRows(
    [await wireRow("tcp-write-after-peer-close")],
    { kit: KIT, runScript: fake.run },
  );
  assertEquals(rows.length, 1);
  assertEquals([rows[0].layer, rows[0].status], ["packetdrill", "passed"]);
  assertEquals(rows[0].steps.map((s) => s.step), fake.ran);
  assertEquals(fake.ran, [
    "tcp-write-after-peer-close.ipv4.pkt",
    "tcp-write-after-peer-close.ipv6.pkt",
  ]);
  // The script travels with the row (the Markdown report shows it).
  assertStringIncludes(rows[0].steps[0].detail ?? "", "write(4, ..., 3) = 3");
});

Deno.test("packetdrillRows() fails a row with packetdrill's own message", async () => {
  const message =
    "tcp-write-after-peer-close.ipv6.pkt:19: runtime error in write call: Expected result 3 but got -1";
  const fake = fakeRunner({
    "tcp-write-after-peer-close.ipv6.pkt": {
      status: "failed",
      message,
      durationMs: 5,
    },
  });
  const { rows } = await packetdrillRows(
    [await wireRow("tcp-write-after-peer-close")],
    { kit: KIT, runScript: fake.run },
  );
  assertEquals(rows[0].status, "failed");
  assertEquals(rows[0].step, "tcp-write-after-peer-close.ipv6.pkt");
  assertStringIncludes(rows[0].reason ?? "", message);
});

Deno.test("packetdrillRows() skips with the reason when packetdrill cannot run", async () => {
  const why = "needs root: packetdrill runs in a network namespace";
  const fake = fakeRunner({
    "tcp-linger-zero-sends-rst.ipv4.pkt": {
      status: "skipped",
      message: why,
      durationMs: 0,
    },
  });
  const { rows } = await packetdrillRows(
    [await wireRow("tcp-linger-zero-sends-rst")],
    { kit: KIT, runScript: fake.run },
  );
  assertEquals(rows[0].status, "skipped");
  assertStringIncludes(rows[0].reason ?? "", why);
  // The row says "skipped" once, not "skipped: skipped: ...".
  assertEquals(rows[0].reason?.startsWith("skipped"), false);
});

Deno.test("packetdrillRows() never passes a script it could not generate", async () => {
  const wire = await wireRow("tcp-linger-zero-sends-rst");
  delete wire.transcripts;
  const fake = fakeRunner({});
  const { rows } = await packetdrillRows([wire], {
    kit: KIT,
    runScript: fake.run,
  });
  assertEquals(rows[0].status, "skipped");
  assertStringIncludes(rows[0].reason ?? "", "not generated: ");
  assertEquals(fake.ran, []);
});

Deno.test("packetdrillRows() skips the row of a wire case that did not run", async () => {
  const skipped: ReportCase = {
    id: "tcp-x",
    layer: "wire",
    status: "skipped",
    summary: "s",
    timings: [],
    steps: [],
    reason: "tcpdump not installed",
  };
  const { rows } = await packetdrillRows([skipped], { kit: KIT });
  assertEquals(rows[0].status, "skipped");
  assertEquals(
    rows[0].reason,
    "the wire case did not run: tcpdump not installed",
  );
});

Deno.test("addPacketdrillLayer() puts each packetdrill row after its wire row and writes the scripts", async () => {
  const syscall: ReportCase = {
    id: "tcp-write-after-peer-close",
    layer: "syscall",
    status: "passed",
    summary: "s",
    timings: [],
    steps: [],
  };
  const dir = "./reports/.selftest/packetdrill-layer";
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  const fake = fakeRunner({});
  const { rows, written } = await addPacketdrillLayer(
    [
      syscall,
      await wireRow("tcp-write-after-peer-close"),
      await wireRow("tcp-linger-zero-sends-rst"),
    ],
    { kit: KIT, runScript: fake.run, writeDir: dir },
  );
  assertEquals(rows.map((r) => `${r.id} ${r.layer}`), [
    "tcp-write-after-peer-close syscall",
    "tcp-write-after-peer-close wire",
    "tcp-write-after-peer-close packetdrill",
    "tcp-linger-zero-sends-rst wire",
    "tcp-linger-zero-sends-rst packetdrill",
  ]);
  assertEquals(written, [
    `${dir}/tcp-write-after-peer-close.ipv4.pkt`,
    `${dir}/tcp-write-after-peer-close.ipv6.pkt`,
    `${dir}/tcp-linger-zero-sends-rst.ipv4.pkt`,
    `${dir}/tcp-linger-zero-sends-rst.ipv6.pkt`,
  ]);
  assertStringIncludes(
    await Deno.readTextFile(written[2]),
    "// tcp-linger-zero-sends-rst (ipv4, 127.0.0.1)",
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("scriptFolderProblem() refuses a folder the process may not write", async () => {
  assertEquals(await scriptFolderProblem("./reports/.selftest/pkt"), undefined);
  assertEquals(
    await scriptFolderProblem("/etc/closewait-pkt"),
    "not writable with this process's permissions",
  );
});

Deno.test("packetdrillRows() runs scripts a few at a time and keeps each verdict with its row", async () => {
  const ids = ["tcp-write-after-peer-close", "tcp-linger-zero-sends-rst"];
  const wires = await Promise.all(ids.map(wireRow));
  let running = 0;
  let most = 0;
  const run = async (name: string): Promise<ScriptRun> => {
    most = Math.max(most, ++running);
    // The first script finishes last: verdicts must not follow the order
    // in which runs end.
    await new Promise((r) => setTimeout(r, name.endsWith("ipv4.pkt") ? 20 : 5));
    running--;
    return name === "tcp-linger-zero-sends-rst.ipv6.pkt"
      ? { status: "failed", message: "x.pkt:9: error", durationMs: 7 }
      : { status: "passed", durationMs: 3 };
  };
  const { rows } = await packetdrillRows(wires, {
    kit: KIT,
    runScript: run,
    jobs: 2,
  });
  assertEquals(most, 2);
  assertEquals(rows.map((r) => [r.id, r.status, r.durationMs]), [
    ["tcp-write-after-peer-close", "passed", 6],
    ["tcp-linger-zero-sends-rst", "failed", 10],
  ]);
  assertEquals(rows[1].step, "tcp-linger-zero-sends-rst.ipv6.pkt");
});
