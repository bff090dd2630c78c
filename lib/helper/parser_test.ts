/**
 * The C helper's command parser, fed raw bytes (issue 10, item 14): every
 * line gets an answer, a NUL byte or an overlong line is refused whole,
 * numbers are range-checked, and only loopback addresses pass.
 *
 * Non-loopback addresses are tested only with ones a helper without the
 * check would still keep on this host (0.0.0.0 and :: as destinations mean
 * "this host" on Linux, ::ffff:127.0.0.1 is loopback in disguise), so even
 * a broken helper never sends a packet off the machine.
 */

import { assert, assertEquals, assertRejects } from "@std/assert";
import { fromFileUrl } from "@std/path";
import { ensureHelper } from "./build.ts";
import { Helper, HelperError, MAX_LINE_BYTES } from "./helper.ts";
import { parseAnswer } from "./protocol.ts";

const built = await ensureHelper();
const ignore = !built.available;
if (!built.available) console.error(`parser tests skipped: ${built.reason}`);
const opts = { sanitizeOps: true, sanitizeResources: true, ignore };

/** Runs the helper on `input` (stdin closed after it); its answer lines. */
async function answersTo(input: Uint8Array | string): Promise<string[]> {
  if (!built.available) throw new Error(built.reason);
  const child = new Deno.Command(built.path, {
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(
    typeof input === "string" ? new TextEncoder().encode(input) : input,
  );
  await writer.close();
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  const out = await child.output();
  clearTimeout(timer);
  assertEquals(out.signal, null, "the helper was killed: it hung");
  return new TextDecoder().decode(out.stdout).split("\n").filter((l) => l);
}

/** `ok`, `fail EBADF` or `bad <reason>` for each answer line. */
function kinds(lines: string[]): string[] {
  return lines.map((line) => {
    const a = parseAnswer("", line);
    return a.kind === "bad"
      ? `bad ${a.fields.reason}`
      : a.kind === "fail"
      ? `fail ${a.errno}`
      : a.kind;
  });
}

Deno.test({
  name:
    "helper parser answers a blank line and an empty command list once each",
  ...opts,
  async fn() {
    const got = kinds(await answersTo("\n   \n;;;\nhello ;; hello\nhello\n"));
    assertEquals(got, [
      "bad empty-line",
      "bad empty-line",
      "bad empty-command",
      "bad empty-command",
      "ok",
    ]);
  },
});

Deno.test({
  name:
    "helper parser refuses a line with a NUL byte whole, running none of it",
  ...opts,
  async fn() {
    const enc = new TextEncoder();
    const line = new Uint8Array([
      ...enc.encode("hello"),
      0,
      ...enc.encode(" clock\nhello\n"),
    ]);
    const got = await answersTo(line);
    assertEquals(kinds(got), ["bad nul-byte", "ok"]);
    assert(!got[1].includes("real="), "the clock after the NUL ran");
  },
});

Deno.test({
  name:
    "helper parser refuses an overlong line once, even with a NUL early in it",
  ...opts,
  async fn() {
    const enc = new TextEncoder();
    const long = new Uint8Array([
      ...enc.encode("hello"),
      0,
      ...enc.encode(`${" ".repeat(4091)} clock\n`),
      ...enc.encode(`${"x".repeat(MAX_LINE_BYTES + 10)}\nhello\n`),
    ]);
    assertEquals(kinds(await answersTo(long)), [
      "bad line-too-long",
      "bad line-too-long",
      "ok",
    ]);
  },
});

Deno.test({
  name: "helper parser range-checks numbers instead of cutting them to 32 bits",
  ...opts,
  async fn() {
    const lines = [
      "poll 3 in 4294967296",
      "poll 3 in 2147483648",
      "poll 3 in -2",
      "read 3 16 4294967296",
      "accept 3 9223372036854775808",
      "listen 127.0.0.1 65536",
      "listen 127.0.0.1 0 2147483648",
      "close 4294967299",
      "close -1",
      "linger 3 2 0",
      "read 3 0",
      "write 3 *1048577",
      "exit 256",
      "poll 3 in 1x",
      "close 2147483647",
      "hello",
    ];
    assertEquals(kinds(await answersTo(lines.join("\n") + "\n")), [
      ...Array(11).fill("bad out-of-range"),
      "bad bad-payload",
      "bad out-of-range",
      "bad not-a-number",
      "fail EBADF",
      "ok",
    ]);
  },
});

Deno.test({
  name: "helper parser refuses every address outside loopback before any call",
  ...opts,
  async fn() {
    const lines = [
      "listen 0.0.0.0 0",
      "listen :: 0",
      "connect 0.0.0.0 9",
      "connect [::] 9",
      "connect ::ffff:127.0.0.1 9",
      "connect 0.0.0.0 9 nonblock",
      "bind 0 0.0.0.0 0",
      "connect-fd 0 :: 9",
      "tcp-state 127.0.0.1 1 0.0.0.0 9",
      "tcp-state :: 1 ::1 9",
      "listen 127.255.255.254 0",
      "listen [::1] 0",
    ];
    assertEquals(kinds(await answersTo(lines.join("\n") + "\n")), [
      ...Array(10).fill("bad not-loopback"),
      "ok",
      "ok",
    ]);
  },
});

Deno.test({
  name:
    "helper tcp-state takes two loopback ends of one family, each with its port",
  ...opts,
  async fn() {
    const lines = [
      "tcp-state 127.0.0.1 1 ::1 2",
      "tcp-state 127.0.0.1 1 127.0.0.1",
      "tcp-state 127.0.0.1 1 127.0.0.1 65536",
      "tcp-state 127.0.0.1 1 127.0.0.1 2",
      "tcp-state [::1] 1 ::1 2",
    ];
    assertEquals(
      (await answersTo(lines.join("\n") + "\n")).map((l) =>
        l.replace(/ t0=\d+ t1=\d+/, "")
      ),
      [
        "bad reason=mixed-families cmd=tcp-state",
        "bad reason=missing-argument cmd=tcp-state",
        "bad reason=out-of-range cmd=tcp-state",
        "ok ret=0 state=absent",
        "ok ret=0 state=absent",
      ],
    );
  },
});

Deno.test({
  name: "Helper.batch() refuses a NUL byte or a line the helper would refuse",
  ...opts,
  async fn() {
    await using h = await Helper.start();
    await assertRejects(() => h.run("hello\0"), HelperError, "single command");
    await assertRejects(
      () => h.batch(Array(1000).fill("hello")),
      HelperError,
      "longer than",
    );
    assertEquals((await h.run("hello")).kind, "ok");
  },
});

Deno.test({
  name: "helper setopt answers the value the kernel kept, getopt reads it",
  ...opts,
  async fn() {
    await using h = await Helper.start();
    const s = await h.expectOk("socket 4");
    const fd = s.fields.fd;
    const set = await h.expectOk(`setopt ${fd} reuseaddr 1`);
    assertEquals(set.fields.value, "1");
    assertEquals((await h.expectOk(`getopt ${fd} nonblock`)).fields.value, "0");
    await h.expectOk(`setopt ${fd} nonblock 1`);
    assertEquals((await h.expectOk(`getopt ${fd} nonblock`)).fields.value, "1");
    await h.expectOk(`close ${fd}`);
  },
});

Deno.test({
  name: "the parser's fuzz target compiles warning-free (-DCLOSEWAIT_FUZZ)",
  ...opts,
  async fn() {
    const harness = fromFileUrl(
      new URL("./fuzz/parser_fuzz.c", import.meta.url),
    );
    const cc = Deno.env.get("CLOSEWAIT_CC") || "gcc";
    const out = await new Deno.Command(cc, {
      args: [
        "-fsyntax-only",
        "-std=c11",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-DCLOSEWAIT_FUZZ",
        "-DCLOSEWAIT_FUZZ_STDIN",
        harness,
      ],
      stdout: "null",
      stderr: "piped",
    }).output();
    assertEquals(
      out.code,
      0,
      new TextDecoder().decode(out.stderr).split("\n").slice(0, 5).join("\n"),
    );
  },
});
