import { assertEquals } from "@std/assert";
import type { TestProcess, TestRequest } from "./deno_test_process.ts";
import { kitTestRunner } from "./kit_test_runner.ts";
import { parseTestOutput } from "./test_output.ts";

Deno.test("kitTestRunner() passes the run id, --require and the stop signal to every process", async () => {
  const seen: TestRequest[] = [];
  const stop = new AbortController();
  const run = kitTestRunner(
    stop.signal,
    ["helper", "tcpdump"],
    "run-1",
    (r) => {
      seen.push(r);
      return Promise.resolve(
        {
          output: parseTestOutput(""),
          code: 0,
          signal: null,
          timedOut: false,
          stderr: "",
        } satisfies TestProcess,
      );
    },
  );
  await run({ paths: ["cases"], list: true, timeoutMs: 1 });
  await run({ paths: ["cases"], timeoutMs: 1, env: { X: "1" } });
  assertEquals(seen.map((r) => r.env), [
    { CLOSEWAIT_RUN_ID: "run-1", CLOSEWAIT_REQUIRE: "helper,tcpdump" },
    { X: "1", CLOSEWAIT_RUN_ID: "run-1", CLOSEWAIT_REQUIRE: "helper,tcpdump" },
  ]);
  assertEquals(seen.every((r) => r.signal === stop.signal), true);
});
