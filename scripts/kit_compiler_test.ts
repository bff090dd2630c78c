/**
 * The kit and the C compiler, as a user meets them: any compiler named by
 * CLOSEWAIT_CC is permitted to the cases (the kit derives the permission),
 * and a compiler that exists but fails makes every row that needs the
 * helper fail with the compiler's error, never skip.
 */
import { assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { join } from "@std/path";
import { parseKitReport } from "../lib/report/report.ts";

const root = new URL("..", import.meta.url);
const SCRATCH = "/tmp/closewait-selftest";

async function kit(env: Record<string, string>, ...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-P=kit", "scripts/kit.ts", ...args],
    cwd: root,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(120_000),
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

const hasGcc = await new Deno.Command("gcc", { args: ["--version"] }).output()
  .then((o) => o.success, () => false);

Deno.test({
  name: "kit.ts lets cases run a compiler CLOSEWAIT_CC names, on any path",
  ignore: !hasGcc,
  async fn() {
    await Deno.mkdir(SCRATCH, { recursive: true });
    const dir = await Deno.makeTempDir({ dir: SCRATCH });
    try {
      // A compiler under a name and path no permission set lists.
      const cc = join(dir, "my-cc");
      await Deno.writeTextFile(cc, '#!/bin/sh\nexec gcc "$@"\n');
      await Deno.chmod(cc, 0o755);
      const json = "reports/.selftest/kit-compiler.json";
      const r = await kit(
        { CLOSEWAIT_CC: cc, CLOSEWAIT_CACHE_DIR: join(dir, "cache") },
        "--filter",
        "tcp-fin-reads-zero",
        "--layer",
        "syscall",
        "--json",
        json,
      );
      assertEquals(r.code, 0, r.stdout + r.stderr);
      const report = parseKitReport(
        await Deno.readTextFile(new URL(json, root)),
      );
      assertEquals(report.cases.map((c) => c.status), ["passed"]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("kit.ts fails the rows that need the helper when the compiler fails", async () => {
  await Deno.mkdir(SCRATCH, { recursive: true });
  const dir = await Deno.makeTempDir({ dir: SCRATCH });
  try {
    // `timeout` answers --version like a compiler, then rejects gcc's flags.
    const r = await kit(
      { CLOSEWAIT_CC: "timeout", CLOSEWAIT_CACHE_DIR: join(dir, "cache") },
      "--filter",
      "tcp-fin-reads-zero",
    );
    assertEquals(r.code, 1, r.stdout + r.stderr);
    assertMatch(r.stdout, /failed\s+tcp-fin-reads-zero\s+syscall/);
    // The table wraps long notes under their column: read them as one line.
    assertStringIncludes(
      r.stdout.replace(/\s+/g, " "),
      "broken: timeout failed to build the helper",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
