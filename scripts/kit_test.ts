/**
 * The kit runner as a user meets it: a child process, its exit status and
 * what it prints. Bad usage must exit 2 with one `error:` line; the
 * fixtures in `fixtures/kit_cases/` go wrong on purpose and must all be
 * reported, never as passed.
 */
import {
  assert,
  assertEquals,
  assertMatch,
  assertStringIncludes,
} from "@std/assert";
import { LAYERS } from "../lib/expectations/mod.ts";
import { parseKitReport } from "../lib/report/report.ts";
import { ensureHelper } from "../lib/helper/build.ts";

const root = new URL("..", import.meta.url);

/** How long one kit run may take in these tests (ms). */
const KIT_TIMEOUT_MS = 120_000;

async function kit(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-P=kit", "scripts/kit.ts", ...args],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(KIT_TIMEOUT_MS),
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  // Deno itself notes that config permissions are experimental, and which
  // run entries it could not resolve: those lines are not the kit's.
  const stderr = text(out.stderr).split("\n").filter((l) =>
    l !== "" && !/^(Warning|Info) /.test(l)
  );
  return { code: out.code, stdout: text(out.stdout), stderr };
}

/**
 * A case's row in the kit's table, with the lines its note wraps onto
 * (indented under the note column) joined on, whitespace collapsed.
 */
function rowText(stdout: string, id: string): string {
  const lines = stdout.split("\n");
  const at = lines.findIndex((l) => l.includes(` ${id} `));
  if (at < 0) return "";
  const parts = [lines[at]];
  for (const l of lines.slice(at + 1)) {
    if (!/^ {6,}\S/.test(l)) break;
    parts.push(l);
  }
  return parts.join(" ").replace(/\s+/g, " ");
}

async function assertUsageError(args: string[], message: string) {
  const r = await kit(...args);
  assertEquals(r.code, 2, `exit status for ${args.join(" ")}`);
  assertEquals(r.stderr.length, 1, `one line: ${r.stderr.join("\n")}`);
  assertEquals(r.stderr[0], `error: ${message}`);
  assertEquals(r.stdout, "");
}

Deno.test("kit.ts exits 2 with one line on an unknown flag", async () => {
  await assertUsageError(["--colour"], "unknown flag --colour (see --help)");
});

Deno.test("kit.ts exits 2 with one line on an unknown layer", async () => {
  await assertUsageError(
    ["--layer", "kernel"],
    `unknown layer "kernel"; layers are ${LAYERS.join(", ")}`,
  );
});

Deno.test("kit.ts exits 2 with one line on a filter no case matches", async () => {
  await assertUsageError(
    ["--cases", "fixtures/kit_cases", "--filter", "no-such-case"],
    "no case matches --filter no-such-case (see --list)",
  );
});

Deno.test("kit.ts exits 2 with one line on an output path it may not write", async () => {
  await assertUsageError(
    ["--json", "/etc/closewait.json"],
    "--json /etc/closewait.json: not writable with this process's permissions; the kit writes only under reports/ (deno.json permissions.kit), e.g. --json reports/kit.json",
  );
});

Deno.test("kit.ts --help lists every flag and exits 0", async () => {
  const r = await kit("--help");
  assertEquals(r.code, 0);
  for (
    const flag of [
      "--list",
      "--filter",
      "--layer",
      "--json",
      "--markdown",
      "--junit",
      "--cases",
      "--evidence",
    ]
  ) {
    assertStringIncludes(r.stdout, flag);
  }
  assertStringIncludes(r.stdout, "130 interrupted");
});

Deno.test("kit.ts --list shows ids, layers and summaries without running anything", async () => {
  const r = await kit("--cases", "fixtures/kit_cases", "--list");
  const lines = r.stdout.trimEnd().split("\n");
  assertEquals(
    lines.find((l) => l.startsWith("fixture-unjudged ")),
    "fixture-unjudged      deno     A fixture step nobody has an expectation for.",
  );
  assertEquals(lines.length, 8);
  assertEquals(r.code, 0);
});

async function assertAbsent(path: string) {
  const exists = await Deno.stat(path).then(() => true, () => false);
  assertEquals(exists, false, `${path} was created`);
}

Deno.test("kit.ts --list and a failed selection create no report folder", async () => {
  const dir = `reports/.selftest/no-folder-${crypto.randomUUID()}`;
  const list = await kit(
    "--cases",
    "fixtures/kit_cases",
    "--list",
    "--json",
    `${dir}/list/kit.json`,
  );
  assertEquals(list.code, 0, list.stderr.join("\n"));
  await assertAbsent(`${dir}/list`);
  await assertUsageError(
    [
      "--cases",
      "fixtures/kit_cases",
      "--filter",
      "no-such-case",
      "--markdown",
      `${dir}/none/kit.md`,
    ],
    "no case matches --filter no-such-case (see --list)",
  );
  await assertAbsent(`${dir}/none`);
  await assertAbsent(dir);
});

Deno.test("kit.ts exits 2 with one line on two outputs naming one file, a repeated flag or --", async () => {
  await assertUsageError(
    ["--json", "reports/a.json", "--markdown", "./reports/a.json"],
    "--json and --markdown name the same file (./reports/a.json); give each output its own file",
  );
  await assertUsageError(
    ["--layer", "deno", "--layer", "wire"],
    "--layer given twice (see --help)",
  );
  await assertUsageError(
    ["--list", "--", "tcp"],
    'unexpected argument "--" (see --help)',
  );
  await assertUsageError(
    ["--filter", "/tcp/g"],
    "--filter /tcp/g: the regex flags g and y are not allowed (they make a match depend on the previous id)",
  );
});

Deno.test("kit.ts --require fails a case that would skip for a missing requirement, and the summary says why rows were skipped", async () => {
  // A PATH where no tcpdump (nor timeout) can be found: tcpdump is absent.
  const run = async (...args: string[]) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-P=kit",
        "scripts/kit.ts",
        "--cases",
        "fixtures/kit_require",
        ...args,
      ],
      cwd: root,
      env: { NO_COLOR: "1", PATH: "/nonexistent-closewait" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(KIT_TIMEOUT_MS),
    }).output();
    return { code: out.code, stdout: new TextDecoder().decode(out.stdout) };
  };
  const plain = await run();
  assertEquals(plain.code, 0, plain.stdout);
  const row = (text: string) => rowText(text, "fixture-needs-tcpdump");
  assertStringIncludes(row(plain.stdout), "skipped");
  assertStringIncludes(plain.stdout, "1 skipped (1 × ");
  const required = await run("--require", "tcpdump");
  assertEquals(required.code, 1, required.stdout);
  assertStringIncludes(row(required.stdout), "failed");
  assertStringIncludes(row(required.stdout), "tcpdump");
});

Deno.test("kit.ts reports every broken fixture as failed and exits 1", async () => {
  const r = await kit(
    "--cases",
    "fixtures/kit_cases",
    "--json",
    "reports/.selftest/kit.json",
  );
  assertEquals(r.code, 1, r.stdout + r.stderr.join("\n"));
  const row = (id: string) => rowText(r.stdout, id);
  assertStringIncludes(row("fixture-crash"), "failed");
  assertStringIncludes(
    row("fixture-crash"),
    "killed by SIGKILL while running fixtures/kit_cases/crash_test.ts",
  );
  assertStringIncludes(row("fixture-error"), "fixture: the case threw");
  assertStringIncludes(
    row("fixture-exit-at-load"),
    "called Deno.exit(7) while loading",
  );
  assertStringIncludes(
    row("fixture-leak"),
    "deno test failed this test after the case recorded unjudged",
  );
  assertStringIncludes(row("fixture-load-error"), "fixture: thrown at load");
  assertStringIncludes(row("fixture-unjudged"), "unjudged");
  // The RST figure, however the table spaces and tags it (`12.5µs poll`).
  assertMatch(row("fixture-unjudged"), /12\.5 ?µs/);
  // Two fixtures need the helper: without a compiler they are skipped with
  // the reason (never passed), and the rest is judged as usual.
  const helper = await ensureHelper();
  const failed = helper.available ? 7 : 5;
  assertStringIncludes(
    r.stdout,
    `FAILED: ${failed} failed, 0 passed, 0 known deviations, 1 unjudged, ${
      helper.available ? 0 : 2
    } skipped`,
  );
  assertStringIncludes(r.stdout, "wrote reports/.selftest/kit.json");
  const report = parseKitReport(
    await Deno.readTextFile(new URL("reports/.selftest/kit.json", root)),
  );
  assertEquals(report.summary.failed, failed);
  const dies = report.cases.find((c) => c.id === "fixture-helper-dies");
  const hangs = report.cases.find((c) => c.id === "fixture-helper-hangs");
  if (!helper.available) {
    console.log(`helper fixtures skipped: ${helper.reason}`);
    assertEquals([dies?.status, hangs?.status], ["skipped", "skipped"]);
  } else {
    // A helper that dies or hangs fails its case with the helper's last
    // answers and how it ended, and the files after it still run.
    assertStringIncludes(dies?.reason ?? "", "killed by SIGPIPE");
    assertStringIncludes(dies?.reason ?? "", "> write");
    assertStringIncludes(hangs?.reason ?? "", 'no answer to "poll');
    assertStringIncludes(
      hangs?.reason ?? "",
      "within 2000 ms; killed (SIGKILL)",
    );
  }
  assertEquals(
    report.cases.find((c) => c.id === "fixture-unjudged")?.timings[0].value,
    12.5,
  );
  assert(r.stdout.includes("closewait @closewait/kit"));
});

Deno.test("kit.ts judges each file alone when one has a type error", async () => {
  // Written at test time: a type error cannot live in the repository, which
  // `deno check` must pass. reports/.selftest is the tests' scratch space
  // (deno.json permissions; node_modules is excluded from deno test).
  const dir = "reports/.selftest/typed-cases";
  const at = new URL(`${dir}/`, root);
  await Deno.mkdir(at, { recursive: true });
  const body = (id: string, extra: string) =>
    `import { conformanceCase } from "../../../mod.ts";\n` +
    `await conformanceCase({ id: "${id}", layer: "deno", summary: "${id}.",\n` +
    `  fn(s) { s.check("step", "seen"); ${extra} return Promise.resolve(); } });\n`;
  try {
    await Deno.writeTextFile(
      new URL("good_test.ts", at),
      body("kit-typed-good", ""),
    );
    await Deno.writeTextFile(
      new URL("bad_test.ts", at),
      body("kit-typed-bad", `const n: number = "not a number"; void n;`),
    );
    const r = await kit("--cases", dir);
    assertEquals(r.code, 1, r.stdout + r.stderr.join("\n"));
    const row = (id: string) => rowText(r.stdout, id);
    assertStringIncludes(row("kit-typed-good"), "unjudged");
    assertStringIncludes(row("kit-typed-bad"), "failed");
    assertStringIncludes(
      row("kit-typed-bad"),
      `type check failed: TS2322 Type 'string' is not assignable to type 'number'. (at ${dir}/bad_test.ts:3:`,
    );
  } finally {
    await Deno.remove(at, { recursive: true });
  }
});

// The Ctrl-C test interrupts a case while its helper runs: without a
// helper (no compiler here) there is nothing to interrupt.
const helperForInterrupt = await ensureHelper();
if (!helperForInterrupt.available) {
  console.log(`Ctrl-C test skipped: ${helperForInterrupt.reason}`);
}

Deno.test({
  name:
    "kit.ts stops on Ctrl-C, prints what finished, exits 130 and leaves no helper",
  ignore: !helperForInterrupt.available,
  fn: interruptTest,
});

async function interruptTest() {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-P=kit",
      "scripts/kit.ts",
      "--cases",
      "fixtures/kit_interrupt",
    ],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const err = new Response(child.stderr).text();
  const out = new Response(child.stdout).text();
  // The case is under way once a helper runs under the kit's test process
  // (other runs on the machine have helpers too: only descendants count).
  const started = performance.now();
  let helperPid: number | undefined;
  while (performance.now() - started < 90_000 && helperPid === undefined) {
    const ps = await new Deno.Command("ps", {
      args: ["-eo", "pid=,ppid=,comm="],
      stdout: "piped",
    }).output();
    const rows = new TextDecoder().decode(ps.stdout).trim().split("\n").map(
      (l) => l.trim().split(/\s+/),
    );
    const family = new Set([String(child.pid)]);
    for (let grew = true; grew;) {
      grew = false;
      for (const [pid, ppid] of rows) {
        if (family.has(ppid) && !family.has(pid)) {
          family.add(pid);
          grew = true;
        }
      }
    }
    const helper = rows.find(([pid, , comm]) =>
      family.has(pid) && comm === "closewait-helpe"
    );
    if (helper) helperPid = Number(helper[0]);
    else await new Promise((r) => setTimeout(r, 50));
  }
  assert(helperPid !== undefined, "the fixture's helper never started");
  child.kill("SIGINT");
  const status = await child.status;
  const stdout = await out;
  await err;
  assertEquals(status.code, 130, stdout);
  assertStringIncludes(stdout, "interrupted: 0 of 1 case rows finished");
  // The test process got SIGTERM; its helper sees EOF on stdin and exits.
  const gone = performance.now();
  let alive = true;
  while (alive && performance.now() - gone < 5_000) {
    alive = (await new Deno.Command("ps", {
      args: ["-p", String(helperPid)],
      stdout: "null",
    }).output()).success;
    if (alive) await new Promise((r) => setTimeout(r, 50));
  }
  assertEquals(alive, false, `helper ${helperPid} still running`);
}
