/**
 * pipe-write-after-reader-close: a pipe knows its other end. Once the reader
 * has closed, the very first write fails with EPIPE, and a writer that has
 * not ignored SIGPIPE dies of it.
 *
 * Seed: "When Linux is using a pipe or a socketpair, it can and will check
 * the reading end of the pair."
 */

import { brief, conformanceCase, ensureHelper, outcome } from "../mod.ts";

const id = "pipe-write-after-reader-close";
const summary =
  "After the reader closes a pipe, the first write fails with EPIPE (SIGPIPE by default).";

await conformanceCase({
  id,
  layer: "syscall",
  summary,
  needs: ["helper"],
  async fn(s) {
    await using h = await s.helper("writer");
    const pipe = await h.expectOk("pipe");
    const [rfd, wfd] = [pipe.fields.rfd, pipe.fields.wfd];
    s.check(
      "write() while the reader is open",
      brief(await h.run(`write ${wfd} abc`)),
    );
    s.check("reader close()", brief(await h.run(`close ${rfd}`)));
    s.check(
      "write() #1 after reader close()",
      brief(await h.run(`write ${wfd} abc`)),
    );

    await using d = await s.helper("default-sigpipe");
    const p = await d.expectOk("pipe");
    await d.expectOk("sigpipe default");
    const [, write] = await d.batch([
      `close ${p.fields.rfd}`,
      `write ${p.fields.wfd} abc`,
    ]);
    s.check("write() #1 after reader close(), SIGPIPE default", brief(write));
  },
});

await conformanceCase({
  id,
  layer: "deno",
  summary,
  // The child whose stdin Deno writes to is the helper: it exits on command.
  needs: ["helper"],
  async fn(s) {
    const built = await ensureHelper();
    if (!built.available) throw new Error(built.reason);
    const child = new Deno.Command(built.path, {
      stdin: "piped",
      stdout: "null",
      stderr: "null",
    }).spawn();
    const stdin = child.stdin.getWriter();
    try {
      const line = (text: string) => new TextEncoder().encode(text + "\n");
      s.check(
        "stdin write() while the child runs",
        (await outcome(stdin.write(line("hello")), 2000)).text,
      );
      await stdin.write(line("exit 0"));
      const status = await outcome(
        child.status.then((st) => `exited ${st.code}`),
        5000,
      );
      s.check("child exit", status.text);
      s.check(
        "stdin write() after the child exited",
        (await outcome(stdin.write(line("hello")), 2000)).text,
      );
    } finally {
      await stdin.close().catch(() => {});
      try {
        child.kill("SIGKILL");
      } catch {
        // already reaped
      }
      await child.status;
    }
  },
});
