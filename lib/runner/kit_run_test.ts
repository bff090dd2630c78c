import { assertEquals } from "@std/assert";
import { type CaseResult, RESULT_PREFIX } from "../case/result.ts";
import type { ScriptRun } from "../packetdrill/run.ts";
import type { TestProcess, TestRequest } from "./deno_test_process.ts";
import { runKit } from "./kit_run.ts";
import { parseTestOutput } from "./test_output.ts";

const KIT = { name: "@closewait/kit", version: "0.1.0" };
const ID = "tcp-write-after-peer-close";
const FILE = "cases/tcp_write_after_peer_close_test.ts";

async function wireRecord(): Promise<CaseResult> {
  return JSON.parse(
    await Deno.readTextFile(
      new URL(`../../fixtures/packetdrill/${ID}.json`, import.meta.url),
    ),
  );
}

/** What `deno test` prints for one case file whose case left `record`. */
function processOf(record: CaseResult): TestProcess {
  const name = `${ID} [wire]`;
  const stdout = [
    `running 1 test from ./${FILE}`,
    `${name} ...`,
    "------- output -------",
    RESULT_PREFIX + JSON.stringify(record),
    "----- output end -----",
    `${name} ... ok (1ms)`,
    "",
    "ok | 1 passed | 0 failed (1ms)",
    "",
  ].join("\n");
  return {
    output: parseTestOutput(stdout),
    code: 0,
    signal: null,
    timedOut: false,
    stderr: "",
  };
}

const selection = {
  entries: [{
    id: ID,
    layer: "wire" as const,
    summary: "story",
    needs: [],
    file: FILE,
  }],
  problems: [],
  narrowed: false,
};

Deno.test("runKit() replays each wire case by packetdrill once the test processes have ended", async () => {
  const record = await wireRecord();
  const order: string[] = [];
  const runScript = (name: string): Promise<ScriptRun> => {
    order.push(name);
    return Promise.resolve({ status: "passed", durationMs: 2 });
  };
  const run = async (r: TestRequest): Promise<TestProcess> => {
    order.push("test process starts");
    r.onEvent?.({ kind: "record", record });
    await new Promise((resolve) => setTimeout(resolve, 5));
    order.push("test process ends");
    return processOf(record);
  };
  const { rows } = await runKit(selection, run, { jobs: 1 }, {
    kit: KIT,
    runScript,
  });
  assertEquals(rows.map((r) => `${r.id} ${r.layer} ${r.status}`), [
    `${ID} wire ${record.status}`,
    `${ID} packetdrill passed`,
  ]);
  assertEquals(order, [
    "test process starts",
    "test process ends",
    `${ID}.ipv4.pkt`,
    `${ID}.ipv6.pkt`,
  ]);
});

Deno.test("runKit() interrupted runs no packetdrill script and adds no packetdrill row", async () => {
  const record = await wireRecord();
  const abort = new AbortController();
  const ran: string[] = [];
  const runScript = (name: string): Promise<ScriptRun> => {
    ran.push(name);
    return Promise.resolve({ status: "passed", durationMs: 1 });
  };
  const run = (): Promise<TestProcess> => {
    abort.abort(); // Ctrl-C while the cases run
    return Promise.resolve(processOf(record));
  };
  const { rows } = await runKit(
    selection,
    run,
    { jobs: 1, signal: abort.signal },
    { kit: KIT, runScript },
  );
  assertEquals(rows.map((r) => r.layer), ["wire"]);
  assertEquals(ran, []);
});
