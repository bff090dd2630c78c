import { assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import type { CaseResult } from "../case/result.ts";
import { scriptsForResult } from "./generate.ts";
import { LATE, runScript, type ScriptRun } from "./run.ts";

const SCRATCH = "/tmp/closewait-selftest";

const KIT = { name: "@closewait/kit", version: "0.1.0" };
const FIXTURES = new URL("../../fixtures/packetdrill/", import.meta.url);

async function generated(id: string) {
  const result: CaseResult = JSON.parse(
    await Deno.readTextFile(new URL(`${id}.json`, FIXTURES)),
  );
  return scriptsForResult(result, KIT).flatMap((g) => g.ok ? [g] : []);
}

// packetdrill runs here only as root with packetdrill installed (or built by
// scripts/build_packetdrill.sh); a two-line script tells which.
const probe = await runScript(
  "probe.pkt",
  "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(3) = 0\n",
);
const cannot = probe.status === "skipped" ? probe.message : undefined;
if (cannot) console.error(`packetdrill runs skipped: ${cannot}`);

function assertFailed(run: ScriptRun, name: string, says: RegExp): void {
  assertEquals(run.status, "failed", run.message);
  assertMatch(
    run.message ?? "",
    new RegExp(`^${name.replaceAll(".", "\\.")}:\\d+: `),
  );
  assertMatch(run.message ?? "", says);
}

Deno.test("runScript() finds packetdrill and runs a trivial script", {
  ignore: cannot !== undefined,
}, () => {
  assertEquals(probe.status, "passed", probe.message);
});

Deno.test("runScript() passes every recorded wire case's scripts", {
  ignore: cannot !== undefined,
}, async () => {
  const ids = [...Deno.readDirSync(FIXTURES)].map((e) => e.name)
    .filter((n) => n.endsWith(".json")).map((n) => n.slice(0, -5)).sort();
  const verdicts: string[] = [];
  for (const id of ids) {
    for (const g of await generated(id)) {
      const run = await runScript(g.name, g.script);
      verdicts.push(
        `${g.name}: ${run.status}${run.message ? ` ${run.message}` : ""}`,
      );
    }
  }
  assertEquals(
    verdicts.filter((v) => !v.endsWith(": passed")),
    [],
    verdicts.join("\n"),
  );
  assertEquals(verdicts.length >= ids.length, true);
});

Deno.test(
  "runScript() fails a script with one fact broken: a sequence number",
  {
    ignore: cannot !== undefined,
  },
  async () => {
    const [g] = await generated("tcp-write-after-peer-close");
    const broken = g.script.replace("> P. 1:4(3) ack 2", "> P. 1:4(3) ack 3");
    assertEquals(broken === g.script, false);
    assertFailed(
      await runScript(g.name, broken),
      g.name,
      /tcp_ack_seq: expected: 3 .* vs actual: 2/,
    );
  },
);

Deno.test("runScript() fails a script with one fact broken: a flag", {
  ignore: cannot !== undefined,
}, async () => {
  const [g] = await generated("tcp-close-with-unread-data-sends-rst");
  // close() with unread data sends RST; claim it sends FIN instead.
  const broken = g.script.replace("> R. 1:1(0) ack 6", "> F. 1:1(0) ack 6");
  assertEquals(broken === g.script, false);
  assertFailed(await runScript(g.name, broken), g.name, /tcp_(fin|rst)/);
});

Deno.test("runScript() fails a script with one fact broken: an errno", {
  ignore: cannot !== undefined,
}, async () => {
  const [g] = await generated("tcp-connect-refused");
  const broken = g.script.replace(
    "ECONNREFUSED (Connection refused)",
    "ETIMEDOUT (Connection timed out)",
  );
  assertEquals(broken === g.script, false);
  assertFailed(
    await runScript(g.name, broken),
    g.name,
    /Expected errno 110 \(Connection timed out\) but got 111/,
  );
});

Deno.test(
  "runScript() fails a script whose expected segment never comes, in time",
  {
    ignore: cannot !== undefined,
  },
  async () => {
    const [g] = await generated("tcp-linger-zero-sends-rst");
    // A pure ACK no one sends: packetdrill would wait for it forever.
    const run = await runScript(
      g.name,
      g.script + "    * > . 1:1(0) ack 9\n",
      { timeoutS: 2 },
    );
    assertEquals(run.status, "failed");
    assertStringIncludes(run.message ?? "", "did not finish within 2 s");
  },
);

Deno.test("runScript() skips when unshare cannot be run, saying why", async () => {
  const run = await runScript("x.pkt", "0 close(3) = 0\n", {
    unshare: "/nonexistent/unshare",
  });
  assertEquals(run.status, "skipped");
  // Not in deno.json's run permissions, so refused before it is looked for.
  assertMatch(
    run.message ?? "",
    /^(unshare is not installed|the kit may not run unshare)/,
  );
});

Deno.test("runScript() skips when CLOSEWAIT_PACKETDRILL names no program, saying how to get one", async () => {
  const run = await runScript("x.pkt", "0 close(3) = 0\n", {
    env: { CLOSEWAIT_PACKETDRILL: "/nonexistent/packetdrill" },
  });
  assertEquals(run.status, "skipped");
  // Without root, unshare fails first: that is the reason then.
  assertMatch(
    run.message ?? "",
    /CLOSEWAIT_PACKETDRILL=\/nonexistent\/packetdrill is not an executable file: .*build_packetdrill\.sh|needs root/,
  );
});

Deno.test("LATE matches packetdrill's own lateness, never a late segment of the kernel", () => {
  assertMatch(
    "x.pkt:17: timing error: expected inbound packet at 0.010098 sec but happened at 0.063970 sec; tolerance 0.025000 sec",
    LATE,
  );
  assertMatch(
    "x.pkt:12: timing error: expected system call start at 0.000058 sec but happened at 0.006525 sec; tolerance 0.004000 sec",
    LATE,
  );
  assertEquals(
    LATE.test(
      "x.pkt:14: timing error: expected outbound packet at 0.010 sec but happened at 0.052 sec; tolerance 0.025 sec",
    ),
    false,
  );
});

Deno.test(
  "runScript() runs a script once more when the handshake's first segment never came, and says so; a later one is final",
  {
    ignore: cannot !== undefined,
  },
  async () => {
    // A stand-in packetdrill: it fails its first run at the line it is told,
    // then passes.
    await Deno.mkdir(SCRATCH, { recursive: true });
    const dir = await Deno.makeTempDir({ dir: SCRATCH });
    try {
      const fake = `${dir}/packetdrill`;
      await Deno.writeTextFile(
        fake,
        [
          "#!/bin/sh",
          'if [ ! -e "$FAKE_DIR/ran" ]; then',
          '  : > "$FAKE_DIR/ran"',
          '  echo "$1:$FAKE_LINE: error handling packet: Timed out waiting for packet" >&2',
          "  exit 1",
          "fi",
          "",
        ].join("\n"),
        { mode: 0o755 },
      );
      const script = [
        "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3",
        "+0 < S 0:0(0) win 32792",
        "+0 > S. 0:0(0) ack 1 <...>",
        "+0 > F. 1:1(0) ack 1",
        "",
      ].join("\n");
      const run = (line: number) =>
        runScript("x.ipv6.pkt", script, {
          env: {
            CLOSEWAIT_PACKETDRILL: fake,
            FAKE_DIR: dir,
            FAKE_LINE: String(line),
          },
        });
      const handshake = await run(3);
      assertEquals(handshake.status, "passed", handshake.message);
      assertStringIncludes(
        handshake.retriedAfter ?? "",
        "x.ipv6.pkt:3: error handling packet: Timed out waiting for packet",
      );
      await Deno.remove(`${dir}/ran`);
      const fin = await run(4);
      assertEquals([fin.status, fin.retriedAfter], ["failed", undefined]);
      assertStringIncludes(fin.message ?? "", "x.ipv6.pkt:4:");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test("runScript() skips with the reason CLOSEWAIT_PACKETDRILL_SKIP gives, running nothing", async () => {
  const why = "packetdrill does not run in a TCG guest: too slow";
  const run = await runScript("x.pkt", "0 close(3) = 0\n", {
    env: { CLOSEWAIT_PACKETDRILL_SKIP: why },
    unshare: "/nonexistent/unshare",
  });
  assertEquals([run.status, run.message], ["skipped", why]);
});
