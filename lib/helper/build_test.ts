import { assertEquals, assertStringIncludes } from "@std/assert";
import { join } from "@std/path";
import { ensureHelper, helperFiles } from "./build.ts";

const SCRATCH = "/tmp/closewait-selftest";

async function withCompiler<T>(
  cc: string | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  const before = Deno.env.get("CLOSEWAIT_CC");
  if (cc === undefined) Deno.env.delete("CLOSEWAIT_CC");
  else Deno.env.set("CLOSEWAIT_CC", cc);
  try {
    return await fn();
  } finally {
    if (before === undefined) Deno.env.delete("CLOSEWAIT_CC");
    else Deno.env.set("CLOSEWAIT_CC", before);
  }
}

async function scratch(name: string): Promise<string> {
  await Deno.mkdir(SCRATCH, { recursive: true });
  const dir = await Deno.makeTempDir({ dir: SCRATCH });
  return join(dir, name);
}

const hasGcc = await new Deno.Command("gcc", { args: ["--version"] }).output()
  .then((o) => o.success, () => false);

Deno.test({
  name:
    "ensureHelper() builds in a folder whose path has a space and a non-ASCII letter",
  ignore: !hasGcc,
  async fn() {
    const dir = await scratch("my kit/kü cache");
    const built = await withCompiler("gcc", () => ensureHelper(dir));
    if (!built.available) throw new Error(JSON.stringify(built));
    assertEquals(built.path, helperFiles(dir).binary);
    // Running it from there would need a run permission for that path;
    // the user-project self-test runs one (scripts/user_project_test.ts).
    const binary = await Deno.stat(built.path);
    assertEquals(binary.isFile && (binary.mode! & 0o111) !== 0, true);
    assertStringIncludes(
      await Deno.readTextFile(helperFiles(dir).source),
      "closewait-helper",
    );
    await Deno.remove(join(dir, "..", ".."), { recursive: true });
  },
});

Deno.test("ensureHelper() calls a compiler that exists but fails broken, with its error", async () => {
  const dir = await scratch("broken");
  // `timeout` answers --version like a compiler, then rejects gcc's flags:
  // a compiler that exists, is permitted, and fails.
  const built = await withCompiler("timeout", () => ensureHelper(dir));
  if (built.available) throw new Error("built with a failing compiler");
  assertEquals(built.kind, "broken");
  assertStringIncludes(built.reason, "timeout failed to build the helper");
  assertStringIncludes(built.reason, "invalid option");
  await Deno.remove(join(dir, ".."), { recursive: true });
});

Deno.test("ensureHelper() calls a compiler that is not installed absent, one the process may not run not permitted", async () => {
  // clang is in the kit's run permissions: built where it is installed,
  // absent where it is not; never anything else.
  const clangDir = await scratch("clang");
  const clang = await withCompiler("clang", () => ensureHelper(clangDir));
  await Deno.remove(join(clangDir, ".."), { recursive: true });
  if (!clang.available) {
    assertEquals(clang.kind, "absent", clang.reason);
    assertStringIncludes(clang.reason, "no C compiler installed: tried clang");
  }
  // ls is installed everywhere and in no run permission of the kit's.
  const forbiddenDir = await scratch("forbidden");
  const forbidden = await withCompiler("ls", () => ensureHelper(forbiddenDir));
  await Deno.remove(join(forbiddenDir, ".."), { recursive: true });
  if (forbidden.available) throw new Error("built with a forbidden compiler");
  assertEquals(forbidden.kind, "not-permitted");
  assertStringIncludes(forbidden.reason, "--allow-run=ls");
});
