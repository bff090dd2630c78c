import { assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { dirname, join } from "@std/path";
import { LockTimeout, parseLockHolder, withLock } from "./lock_file.ts";

const FIXTURE = new URL("../../fixtures/lock/hold_lock.ts", import.meta.url);

/** Starts a process that holds the lock at `path`; resolves once it does. */
async function holder(path: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      `--allow-read=${dirname(path)}`,
      `--allow-write=${dirname(path)}`,
      FIXTURE.href,
      path,
    ],
    env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const first = await Promise.race([
    reader.read(),
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error("holder did not start")), 30_000)
    ),
  ]);
  assertEquals(first.value?.trim(), "holding");
  return {
    pid: child.pid,
    async kill() {
      child.kill("SIGKILL");
      await child.status;
      await reader.cancel();
    },
  };
}

Deno.test("withLock() names a live holder when the wait ends, and takes a dead holder's lock at once", async () => {
  const dir = await Deno.makeTempDir({ dir: "/tmp/closewait-selftest" });
  const path = join(dir, "cache", "x.lock");
  await Deno.mkdir(join(dir, "cache"));
  const h = await holder(path);
  try {
    const said: string[] = [];
    const error = await assertRejects(
      () =>
        withLock(path, {
          waitMs: 1500,
          what: "a test",
          log: (l) => said.push(l),
        }, () => Promise.resolve()),
      LockTimeout,
    );
    assertStringIncludes(
      error.message,
      `by pid ${h.pid} (a fixture that holds`,
    );
    assertEquals(said.length, 1, "says once what it waits for");
    assertStringIncludes(said[0], `held by pid ${h.pid}`);
  } finally {
    await h.kill();
  }
  // The holder died by SIGKILL, as a killed run would: nothing to wait for.
  const said: string[] = [];
  const value = await withLock(
    path,
    { waitMs: 60_000, what: "a test", log: (l) => said.push(l) },
    () => Promise.resolve(42),
  );
  assertEquals(value, 42);
  assertEquals(said, [], "no wait after the holder died");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("parseLockHolder() ignores what is not a holder record", () => {
  assertEquals(parseLockHolder("{}"), undefined);
  assertEquals(parseLockHolder('{"pid":"1","since":"","what":""}'), undefined);
  assertEquals(parseLockHolder("not json"), undefined);
});
