/**
 * The soak and bench commands as a user meets them: bad usage exits 2 with
 * one `error:` line; a short soak of one case reports it and what was left.
 */
import { assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { LAYERS } from "../lib/expectations/mod.ts";
import { startForeignProcesses } from "../lib/soak/testing.ts";
import { tcpdumpUnavailable } from "../lib/wire/tcpdump.ts";

const root = new URL("..", import.meta.url);

async function run(set: string, script: string, ...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", `-P=${set}`, script, ...args],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(120_000),
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  const stderr = text(out.stderr).split("\n").filter((l) =>
    l !== "" && !/^(Warning|Info) /.test(l)
  );
  return { code: out.code, stdout: text(out.stdout), stderr };
}

for (
  const [args, message] of [
    [["--runs", "0"], "--runs 0: not a positive whole number"],
    [["--runs", "many"], "--runs many: not a positive whole number"],
    [["--stres"], "unknown flag --stres (see --help)"],
    [["--runs", "2", "--runs", "3"], "--runs given twice (see --help)"],
    [
      ["--require", "helper,cc"],
      '--require helper,cc: unknown requirement "cc"; requirements are helper, ipv6, linux, netns, posix, tcpdump',
    ],
    [["--", "x"], 'unexpected argument "--" (see --help)'],
    [
      ["--filter", "/tcp/y"],
      "--filter /tcp/y: the regex flags g and y are not allowed (they make a match depend on the previous id)",
    ],
    [
      ["--layer", "kernel"],
      `unknown layer "kernel"; layers are ${LAYERS.join(", ")}`,
    ],
  ] as const
) {
  Deno.test(`soak.ts exits 2 with one line on ${args.join(" ")}`, async () => {
    const r = await run("soak", "scripts/soak.ts", ...args);
    assertEquals([r.code, r.stderr, r.stdout], [2, [`error: ${message}`], ""]);
  });
}

Deno.test("bench.ts exits 2 with one line on a bad --runs", async () => {
  const r = await run("bench", "scripts/bench.ts", "--runs", "-1");
  assertEquals([r.code, r.stderr.length, r.stdout], [2, 1, ""]);
});

Deno.test("soak.ts runs one case twice and reports counts and leftovers, not a foreign tcpdump or helper", async () => {
  // Somebody else's tcpdump and a process named like the helper, running
  // throughout with no deno above them: not the soak's leftovers.
  await using _foreign = await startForeignProcesses({
    tcpdump: Deno.build.os === "linux" &&
      (await tcpdumpUnavailable()) === undefined,
  });
  const r = await run(
    "soak",
    "scripts/soak.ts",
    "--runs",
    "2",
    "--filter",
    "tcp-write-after-own-shutdown",
    "--layer",
    "deno",
  );
  assertEquals(r.code, 0, r.stdout + r.stderr.join("\n"));
  assertMatch(r.stdout, /tcp-write-after-own-shutdown\s+deno\s+2\s+0\s+0/);
  assertStringIncludes(r.stdout, "2/2 runs, 0 with a failure");
  assertStringIncludes(
    r.stdout,
    "left behind: 0 processes, 0 loopback connections beyond TIME_WAIT",
  );
});
