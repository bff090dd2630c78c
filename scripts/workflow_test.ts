/**
 * The CI workflow is checked offline twice: against GitHub's workflow schema
 * by @action-validator/core (installed by npm ci; loaded from node_modules
 * because Deno's own npm cache is at a machine-dependent path that the
 * tests' static read permission cannot name), and for the structure this
 * project relies on, parsed with @std/yaml.
 */
import { assert, assertEquals } from "@std/assert";
import { parse } from "@std/yaml";
import { createRequire } from "node:module";

const path = new URL("../.github/workflows/conformance.yml", import.meta.url);

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Job {
  "runs-on": string;
  needs?: string;
  if?: string;
  strategy?: { "fail-fast": boolean; matrix: { os: string[] } };
  steps: Step[];
}

const load = async () =>
  parse(await Deno.readTextFile(path)) as { jobs: Record<string, Job> };

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

Deno.test("conformance.yml runs the kit on every runner image, fail-fast off", async () => {
  const { kit } = (await load()).jobs;
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
  for (const flag of ["--json", "--junit", "--markdown"]) {
    assert(runs.includes(`npx deno task kit`) && runs.includes(flag), flag);
  }
  const upload = kit.steps.find((s) =>
    s.uses?.startsWith("actions/upload-artifact@")
  );
  assertEquals(upload?.if, "always()");
});

Deno.test("conformance.yml merges every machine's report into the step summary", async () => {
  const { compare } = (await load()).jobs;
  assertEquals([compare.needs, compare.if], ["kit", "always()"]);
  const download = compare.steps.find((s) =>
    s.uses?.startsWith("actions/download-artifact@")
  );
  assertEquals(download?.with?.["merge-multiple"], true);
  const runs = compare.steps.map((s) => s.run ?? "").join("\n");
  assert(runs.includes("npx deno task compare"));
  assert(runs.includes('>> "$GITHUB_STEP_SUMMARY"'));
});
