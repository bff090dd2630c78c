import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import type { TestProcess, TestRequest } from "./deno_test_process.ts";
import { parseFilter } from "./args.ts";
import {
  type Catalog,
  exactFilter,
  idFromFile,
  loadCatalog,
  runSelection,
  select,
} from "./runner.ts";
import { parseTestOutput } from "./test_output.ts";
import { StartedTest } from "./together.ts";

const platform = {
  os: "linux",
  kernel: "6.1",
  arch: "x86_64",
  deno: "2.9.6",
  v8: "",
};

function proc(stdout: string, extra: Partial<TestProcess> = {}): TestProcess {
  const started = new StartedTest();
  for (const line of stdout.split("\n")) started.line(line);
  return {
    ...(started.name !== undefined ? { startedTest: started.name } : {}),
    output: parseTestOutput(stdout),
    code: 0,
    signal: null,
    timedOut: false,
    stderr: "",
    ...extra,
  };
}

const listing = (id: string, layer: string) =>
  `##closewait-case ${
    JSON.stringify({ id, layer, summary: `${id} story`, needs: [] })
  }`;
const record = (id: string, layer: string, status = "passed") =>
  `##closewait-result ${
    JSON.stringify({
      id,
      layer,
      status,
      summary: "",
      steps: [],
      timings: [],
      platform,
      durationMs: 1,
    })
  }`;
const fileRun = (file: string, tests: [string, string, string][]) =>
  [
    `running ${tests.length} tests from ./${file}`,
    ...tests.flatMap(([name, verdict, rec]) => [
      `${name} ...`,
      ...(rec ? ["------- output -------", rec, "----- output end -----"] : []),
      `${name} ... ${verdict} (1ms)`,
    ]),
  ].join("\n");
const done = "\nok | 1 passed | 0 failed (1ms)\n";

/** A fake runner answering each request with a function of it, and a log. */
function fake(answer: (r: TestRequest) => TestProcess) {
  const requests: TestRequest[] = [];
  return {
    requests,
    run: (r: TestRequest) => {
      requests.push(r);
      return Promise.resolve(answer(r));
    },
  };
}

const catalog: Catalog = {
  entries: ["a", "b", "c"].map((id) => ({
    id,
    layer: "deno" as const,
    summary: `${id} story`,
    needs: [],
    file: `cases/${id}_test.ts`,
  })),
  problems: [],
};

Deno.test("loadCatalog() reads every file's cases in one catalog process", async () => {
  const f = fake(() =>
    proc(
      [
        "------- pre-test output -------",
        listing("a", "syscall"),
        listing("a", "deno"),
        "----- pre-test output end -----",
        "running 2 tests from ./cases/a_test.ts",
        "a [syscall] ... ignored (0ms)",
        "a [deno] ... ignored (0ms)",
      ].join("\n") + done,
    )
  );
  const c = await loadCatalog(
    "cases/",
    f.run,
    () => Promise.reject(new Error("not needed")),
  );
  assertEquals(c.entries.map((e) => `${e.id} ${e.layer} ${e.file}`), [
    "a syscall cases/a_test.ts",
    "a deno cases/a_test.ts",
  ]);
  assertEquals(f.requests.map((r) => [r.paths, r.list]), [[["cases"], true]]);
});

Deno.test("loadCatalog() lists files one by one when the catalog process dies", async () => {
  const f = fake((r) => {
    if (r.paths[0] === "cases") {
      return proc("", {
        code: 1,
        stderr: 'error: Module not found "file:///x/missing.ts".',
      });
    }
    if (r.paths[0] === "cases/a_test.ts") {
      return proc(
        `${listing("a", "deno")}\n${
          fileRun("cases/a_test.ts", [["a [deno]", "ignored", ""]])
        }${done}`,
      );
    }
    return proc("", {
      code: 1,
      stderr: 'error: Module not found "file:///x/missing.ts".',
    });
  });
  const c = await loadCatalog(
    "cases",
    f.run,
    () => Promise.resolve(["cases/a_test.ts", "cases/b_test.ts"]),
  );
  assertEquals(c.entries.map((e) => e.id), ["a"]);
  assertEquals(c.problems, [{
    file: "cases/b_test.ts",
    reason:
      'failed to load: deno test exited with code 1: Module not found "file:///x/missing.ts".',
  }]);
});

Deno.test("runSelection() reconciles records with deno test verdicts", async () => {
  const f = fake(() =>
    proc(
      fileRun("cases/a_test.ts", [[
        "a [deno]",
        "FAILED",
        record("a", "deno", "passed"),
      ]]) + "\n" +
        fileRun("cases/b_test.ts", [["b [deno]", "ok", ""]]) + "\n" +
        fileRun("cases/c_test.ts", [["c [deno]", "FAILED", ""]]) +
        "\n\n ERRORS \n\na [deno] => ./lib/scenario.ts:1:1\nerror: Leaks detected:\n  - A timer\n\n" +
        "c [deno] => ./lib/scenario.ts:1:1\nerror: Error: boom\n\n FAILURES \n\nFAILED | 1 passed | 2 failed (1ms)\n",
      { code: 1 },
    )
  );
  const rows = await runSelection(
    { ...catalog, narrowed: false },
    f.run,
    { jobs: 1 },
  );
  assertEquals(rows.map((r) => `${r.id} ${r.status}`), [
    "a failed",
    "b failed",
    "c failed",
  ]);
  assertStringIncludes(
    rows[0].reason!,
    "deno test failed this test after the case recorded passed: Leaks detected:",
  );
  assertStringIncludes(
    rows[1].reason!,
    "passed in deno test but left no record",
  );
  assertEquals(rows[2].reason, "Error: boom");
  assertEquals(f.requests.length, 1);
  assertEquals(f.requests[0].filter, undefined);
});

Deno.test("runSelection() blames the file a dying process was running and reruns the rest", async () => {
  const f = fake((r) => {
    if (r.paths.length === 3) {
      return proc(
        fileRun("cases/a_test.ts", [["a [deno]", "ok", record("a", "deno")]]) +
          "\nrunning 1 test from ./cases/b_test.ts\nb [deno] ...",
        { code: null, signal: "SIGKILL" },
      );
    }
    return proc(
      fileRun("cases/c_test.ts", [["c [deno]", "ok", record("c", "deno")]]) +
        done,
    );
  });
  const rows = await runSelection(
    { ...catalog, narrowed: false },
    f.run,
    { jobs: 1 },
  );
  assertEquals(rows.map((r) => `${r.id} ${r.status}`), [
    "a passed",
    "b failed",
    "c passed",
  ]);
  assertEquals(
    rows[1].reason,
    "the test process was killed by SIGKILL while running cases/b_test.ts",
  );
  assertEquals(f.requests.map((r) => r.paths), [
    ["cases/a_test.ts", "cases/b_test.ts", "cases/c_test.ts"],
    ["cases/c_test.ts"],
  ]);
  assertEquals(f.requests[1].filter, "/^(?:c \\[deno\\])$/");
});

Deno.test("runSelection() judges each file alone when a type error stops everything", async () => {
  const typeError =
    "TS2345 [ERROR]: Bad.\n    at file:///x/cases/b_test.ts:3:4\n\nerror: Type checking failed.";
  const f = fake((r) => {
    if (r.paths.length > 1 || r.paths[0] === "cases/b_test.ts") {
      return proc("", { code: 1, stderr: typeError });
    }
    const id = r.paths[0].slice("cases/".length, -"_test.ts".length);
    return proc(
      fileRun(r.paths[0], [[`${id} [deno]`, "ok", record(id, "deno")]]) + done,
    );
  });
  const rows = await runSelection(
    { ...catalog, narrowed: false },
    f.run,
    { jobs: 1 },
  );
  assertEquals(rows.map((r) => `${r.id} ${r.status}`), [
    "a passed",
    "b failed",
    "c passed",
  ]);
  assertEquals(
    rows[1].reason,
    "the test process exited with code 1 before running any case: type check failed: TS2345 Bad. (at file:///x/cases/b_test.ts:3:4)",
  );
  assertEquals(f.requests.map((r) => r.paths.length), [3, 1, 1, 1]);
});

Deno.test("runSelection() reports a timed-out process and files that failed to load", async () => {
  const f = fake(() =>
    proc("running 1 test from ./cases/a_test.ts\na [deno] ...", {
      timedOut: true,
      code: null,
      signal: "SIGTERM",
    })
  );
  const rows = await runSelection({
    entries: catalog.entries.slice(0, 1),
    problems: [{ file: "cases/z_test.ts", reason: "failed to load: boom" }],
    narrowed: true,
  }, f.run);
  assertEquals(rows.map((r) => `${r.id} ${r.layer} ${r.status}`), [
    "a deno failed",
    "z - failed",
  ]);
  assertStringIncludes(rows[0].reason!, "was stopped by the kit after");
  assertEquals(f.requests[0].filter, "/^(?:a \\[deno\\])$/");
});

Deno.test("select() applies --filter and --layer, and says when nothing matches", () => {
  const withProblem = {
    ...catalog,
    problems: [{ file: "cases/zed_test.ts", reason: "x" }],
  };
  assertEquals(select(withProblem, undefined, undefined)?.narrowed, false);
  assertEquals(
    select(withProblem, parseFilter("b"), undefined)?.entries.map((e) => e.id),
    ["b"],
  );
  assertEquals(
    select(withProblem, parseFilter("zed"), undefined)?.problems.length,
    1,
  );
  assertEquals(select(withProblem, parseFilter("nope"), undefined), undefined);
  assertEquals(select(catalog, undefined, "wire"), undefined);
  assert(select(catalog, parseFilter("/^[ab]$/"), "deno")?.narrowed);
});

Deno.test("exactFilter() escapes regex characters in test names", () => {
  assertEquals(
    exactFilter(["a.b [deno]", "c/d [wire]"]),
    "/^(?:a\\.b \\[deno\\]|c\\/d \\[wire\\])$/",
  );
  assertEquals(
    idFromFile("cases/tcp_fin_reads_zero_test.ts"),
    "tcp-fin-reads-zero",
  );
});

Deno.test("select() with runtimes keeps other layers and only the named runtimes' node rows", () => {
  const entries = (["syscall", "node@nodejs", "node@deno", "node@bun"] as const)
    .map((layer) => ({
      id: "a",
      layer,
      summary: "",
      needs: [],
      file: "cases/a_test.ts",
    }));
  const picked = select({ entries, problems: [] }, undefined, undefined, [
    "bun",
  ]);
  assertEquals(picked?.entries.map((e) => e.layer), ["syscall", "node@bun"]);
  assertEquals(picked?.narrowed, true);
});

Deno.test("runSelection() runs the files together, one process per job, and blames a crash on its case's file", async () => {
  const entries = ["a", "b", "c", "d"].map((id) => ({
    id,
    layer: "deno" as const,
    summary: `${id} story`,
    needs: [],
    file: `cases/${id}_test.ts`,
  }));
  const f = fake((r) => {
    const ids = r.paths.map((p) =>
      p.slice("cases/".length, -"_test.ts".length)
    );
    if (r.together && ids.includes("b")) {
      // The entry module's output: b's test started, then SIGKILL.
      return proc(
        "running 2 tests from ./reports/.kit/run-1_test.ts\nb [deno] ...",
        { code: null, signal: "SIGKILL" },
      );
    }
    return proc(
      fileRun(
        r.together ? "reports/.kit/run-2_test.ts" : r.paths[0],
        ids.map((id) => [`${id} [deno]`, "ok", record(id, "deno")]),
      ) + done,
    );
  });
  const rows = await runSelection(
    { entries, problems: [], narrowed: false },
    f.run,
    { jobs: 2 },
  );
  assertEquals(rows.map((r) => `${r.id} ${r.status}`), [
    "a passed",
    "b failed",
    "c passed",
    "d passed",
  ]);
  assertEquals(
    rows[1].reason,
    "the test process was killed by SIGKILL while running cases/b_test.ts",
  );
  // Two groups at once, then what b's crash stopped (d, in b's group).
  assertEquals(f.requests.map((r) => [r.together ?? false, r.paths]), [
    [true, ["cases/a_test.ts", "cases/c_test.ts"]],
    [true, ["cases/b_test.ts", "cases/d_test.ts"]],
    [false, ["cases/d_test.ts"]],
  ]);
  assertEquals(f.requests[2].filter, "/^(?:d \\[deno\\])$/");
});

Deno.test("runSelection() runs each file in an isolate of its own when a together run fails outside any test", async () => {
  const f = fake((r) => {
    if (r.together) {
      return proc(
        "Uncaught error from ./reports/.kit/run-1_test.ts FAILED\n\n ERRORS \n\n" +
          "./reports/.kit/run-1_test.ts (uncaught error)\nerror: boom at load\n\n" +
          " FAILURES \n\nFAILED | 0 passed | 1 failed (1ms)\n",
        { code: 1 },
      );
    }
    return proc(
      fileRun("cases/a_test.ts", [["a [deno]", "ok", record("a", "deno")]]) +
        "\nUncaught error from ./cases/b_test.ts FAILED\n" +
        fileRun("cases/c_test.ts", [["c [deno]", "ok", record("c", "deno")]]) +
        "\n\n ERRORS \n\n./cases/b_test.ts (uncaught error)\nerror: boom at load\n\n" +
        " FAILURES \n\nFAILED | 2 passed | 1 failed (1ms)\n",
      { code: 1 },
    );
  });
  const rows = await runSelection(
    { ...catalog, narrowed: false },
    f.run,
    { jobs: 1 },
  );
  assertEquals(rows.map((r) => `${r.id} ${r.status}`), [
    "a passed",
    "b failed",
    "c passed",
  ]);
  assertEquals(
    rows[1].reason,
    "cases/b_test.ts failed outside any test: boom at load",
  );
  assertEquals(f.requests.map((r) => [r.together ?? false, r.paths.length]), [
    [true, 3],
    [false, 3],
  ]);
});

/**
 * A fake runner for scheduling tests: each process passes its files' cases
 * after a few ms; it logs the ids each process got and how many other
 * processes ran beside each one as it started and as it ended.
 */
function schedulingRun() {
  let running = 0;
  const requests: string[][] = [];
  const beside: Record<string, number[]> = {};
  const run = async (r: TestRequest) => {
    const ids = r.paths.map((p) =>
      p.slice("cases/".length, -"_test.ts".length)
    );
    requests.push(ids);
    running++;
    for (const id of ids) (beside[id] ??= []).push(running - 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (const id of ids) beside[id].push(running - 1);
    running--;
    return proc(
      fileRun(
        "reports/.kit/run-1_test.ts",
        ids.map((id) => [`${id} [deno]`, "ok", record(id, "deno")]),
      ) + done,
    );
  };
  return { run, requests, beside };
}

Deno.test("runSelection() runs a file whose case runs alone after the others, with nothing beside it", async () => {
  const entries = ["a", "b", "c", "d"].map((id) => ({
    id,
    layer: "deno" as const,
    summary: `${id} story`,
    needs: [],
    file: `cases/${id}_test.ts`,
    ...(id === "b" ? { runsAlone: "binds the address it freed" } : {}),
  }));
  const f = schedulingRun();
  const rows = await runSelection(
    { entries, problems: [], narrowed: false },
    f.run,
    { jobs: 2 },
  );
  assertEquals(rows.map((r) => `${r.id} ${r.status}`), [
    "a passed",
    "b passed",
    "c passed",
    "d passed",
  ]);
  assertEquals(f.requests, [["a", "d"], ["c"], ["b"]]);
  assertEquals(f.beside.b, [0, 0]);
});

Deno.test("runSelection() runs the files that wait out a kernel timer as one more group beside the others", async () => {
  const entries = ["a", "b", "c", "d", "e"].map((id) => ({
    id,
    layer: "deno" as const,
    summary: `${id} story`,
    needs: [],
    file: `cases/${id}_test.ts`,
    ...(id === "b" || id === "e" ? { waitsForTimer: "TCP_LINGER2 1 s" } : {}),
  }));
  const f = schedulingRun();
  const rows = await runSelection(
    { entries, problems: [], narrowed: false },
    f.run,
    { jobs: 2 },
  );
  assertEquals(rows.map((r) => `${r.id} ${r.status}`), [
    "a passed",
    "b passed",
    "c passed",
    "d passed",
    "e passed",
  ]);
  assertEquals(f.requests, [["a", "d"], ["c"], ["b", "e"]]);
  // The waiting group started beside both busy groups.
  assertEquals(f.beside.b[0], 2);
});
