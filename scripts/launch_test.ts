/**
 * The kit started in ways a user might: by a Deno that is not on PATH, or
 * from another folder. It must work or say in one line what to do, never
 * crash with a stack trace (issue 10, item 13).
 */
import { assertEquals, assertMatch } from "@std/assert";
import { fromFileUrl } from "@std/path";

const root = fromFileUrl(new URL("..", import.meta.url)).replace(/\/$/, "");
/** Scratch space the tests may write (deno.json permissions). */
const SCRATCH = "/tmp/closewait-selftest";

async function run(
  program: string[],
  cwd: string,
  env: Record<string, string>,
) {
  // Started through coreutils timeout: it runs any program, so the test
  // needs no permission for the copied Deno itself.
  const out = await new Deno.Command("timeout", {
    args: ["120", ...program],
    cwd,
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", ...env },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  const stderr = text(out.stderr).split("\n").filter((l) =>
    l !== "" && !/^(Warning|Info|Task) /.test(l)
  );
  return { code: out.code, stdout: text(out.stdout), stderr };
}

Deno.test({
  name:
    "kit.ts started by a Deno that is not on PATH says in one line what to do",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const dir = `${SCRATCH}/deno-${crypto.randomUUID()}`;
    await Deno.mkdir(dir, { recursive: true });
    try {
      const deno = `${dir}/deno`;
      // A copy, not a link: a link would resolve to the permitted binary.
      const cp = await new Deno.Command("timeout", {
        args: ["60", "cp", Deno.execPath(), deno],
      }).output();
      assertEquals(cp.success, true, new TextDecoder().decode(cp.stderr));
      const r = await run([deno, "task", "kit", "--list"], root, {
        PATH: "/usr/bin:/bin",
        HOME: Deno.env.get("HOME") ?? "/root",
      });
      assertEquals(r.code, 2, r.stderr.join("\n"));
      assertEquals(r.stderr, [
        `error: this Deno (${deno}) may not start itself under deno.json's "kit" permissions, which allow the deno on PATH and node_modules/deno/deno: put its folder on PATH, e.g. PATH="${dir}:$PATH" ${deno} task kit`,
      ]);
      assertEquals(r.stdout, "");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("kit.ts started from another folder says in one line where to run it", async () => {
  const dir = `${SCRATCH}/cwd-${crypto.randomUUID()}`;
  await Deno.mkdir(dir, { recursive: true });
  try {
    const r = await run(
      [Deno.execPath(), "run", "-P=kit", `${root}/scripts/kit.ts`, "--list"],
      dir,
      { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
    );
    assertEquals(r.code, 2, r.stderr.join("\n"));
    assertEquals(r.stderr.length, 1, r.stderr.join("\n"));
    assertMatch(
      r.stderr[0],
      new RegExp(
        `^error: the kit runs from its own folder \\(${root}\\), not ${dir}: cd `,
      ),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
