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

Deno.test("runKit() replays a wire case by packetdrill while its test process still runs", async () => {
  const record = await wireRecord();
  const scriptStarted = Promise.withResolvers<void>();
  const ran: string[] = [];
  const runScript = (name: string): Promise<ScriptRun> => {
    ran.push(name);
    scriptStarted.resolve();
    return Promise.resolve({ status: "passed", durationMs: 2 });
  };
  // The test process ends only once a script has started: without the
  // overlap this would never settle (the test's own timeout would fail it).
  const run = async (r: TestRequest): Promise<TestProcess> => {
    r.onEvent?.({ kind: "record", record });
    await scriptStarted.promise;
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
  assertEquals(ran, [`${ID}.ipv4.pkt`, `${ID}.ipv6.pkt`]);
});

Deno.test("runKit() interrupted starts no further script, waits for the running one and adds no packetdrill row", async () => {
  const record = await wireRecord();
  const abort = new AbortController();
  const ran: string[] = [];
  let ended = 0;
  const runScript = async (name: string): Promise<ScriptRun> => {
    ran.push(name);
    abort.abort(); // Ctrl-C while the first script runs
    await new Promise((r) => setTimeout(r, 10));
    ended++;
    return { status: "passed", durationMs: 10 };
  };
  const run = async (r: TestRequest): Promise<TestProcess> => {
    r.onEvent?.({ kind: "record", record });
    await new Promise((r) => setTimeout(r, 1));
    return processOf(record);
  };
  const { rows } = await runKit(
    selection,
    run,
    { jobs: 1, signal: abort.signal },
    { kit: KIT, runScript, jobs: 1 },
  );
  assertEquals(rows.map((r) => `${r.layer} ${r.status}`), [
    `wire ${record.status}`,
  ]);
  assertEquals([ran, ended], [[`${ID}.ipv4.pkt`], 1]);
});
