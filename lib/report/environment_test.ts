import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import {
  firstLine,
  kitSourceFrom,
  prettyName,
  probeEnvironment,
  probeKernelFacts,
  shellJoin,
} from "./environment.ts";
import { ensureHelper } from "../helper/build.ts";
import { environmentPairs } from "./markdown.ts";

Deno.test("firstLine() takes the first non-empty line, or null", () => {
  assertEquals(
    firstLine("\n  gcc (Debian 12.2.0) 12.2.0\nCopyright\n"),
    "gcc (Debian 12.2.0) 12.2.0",
  );
  assertEquals(firstLine(""), null);
  assertEquals(firstLine(undefined), null);
});

Deno.test("probeEnvironment() describes this machine and never throws", async () => {
  const env = await probeEnvironment();
  assertEquals(env.deno, Deno.version.deno);
  assertEquals(env.arch, Deno.build.arch);
  for (const tool of [env.gcc, env.tcpdump]) {
    assert(tool === null || (typeof tool === "string" && tool !== ""));
  }
  // Under the tests' permissions Deno.uid() is not allowed: unknown, not false.
  assert(env.root === null || typeof env.root === "boolean");
  if (Deno.build.os === "linux") {
    assert(/^\d+$/.test(env.sysctls["net.ipv4.tcp_fin_timeout"]));
  }
});

Deno.test("probeEnvironment() names the distribution, the kit's commit and the command line", async () => {
  const env = await probeEnvironment();
  assert(env.commandLine && env.commandLine.length > 0);
  if (Deno.build.os === "linux") {
    // Every Linux this kit targets has /etc/os-release.
    assert(typeof env.distribution === "string" && env.distribution !== "");
    // The tests run from a checkout (or a copy without .git: null).
    assert(env.source === null || /^[0-9a-f]{40}$/.test(env.source!.commit));
    // The command line is this process's own.
    assertStringIncludes(env.commandLine!, "deno");
    for (
      const name of ["tcp_timestamps", "tcp_sack", "tcp_congestion_control"]
    ) {
      assert(env.sysctls[`net.ipv4.${name}`], name);
    }
  }
});

Deno.test("kitSourceFrom() reads a branch, a packed ref, a detached HEAD and strips credentials", () => {
  const a = "a".repeat(40);
  const b = "b".repeat(40);
  const packed =
    `# pack-refs with: peeled fully-peeled sorted\n${b} refs/heads/main\n`;
  const config =
    '[core]\n\tbare = false\n[remote "origin"]\n\turl = https://user:tok@example.org/o/closewait.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n';
  assertEquals(
    kitSourceFrom(
      "ref: refs/heads/main\n",
      (ref) =>
        packed.split("\n").find((l) => l.endsWith(` ${ref}`))?.split(" ")[0],
      config,
    ),
    {
      commit: b,
      branch: "main",
      repository: "https://example.org/o/closewait.git",
    },
  );
  assertEquals(kitSourceFrom(`${a}\n`, () => undefined, undefined), {
    commit: a,
  });
  assertEquals(
    kitSourceFrom("ref: refs/heads/x\n", () => undefined, config),
    null,
  );
  assertEquals(kitSourceFrom("garbage", () => undefined, config), null);
});

Deno.test("prettyName() and shellJoin() read and write what a shell would", () => {
  assertEquals(
    prettyName("ID=debian\nPRETTY_NAME='Debian GNU/Linux 12 (bookworm)'\n"),
    "Debian GNU/Linux 12 (bookworm)",
  );
  assertEquals(prettyName("ID=x\n"), null);
  assertEquals(
    shellJoin([
      "/opt/my deno/deno",
      "run",
      "-P=kit",
      "scripts/kit.ts",
      "--filter",
      "a b",
    ]),
    "'/opt/my deno/deno' run -P=kit scripts/kit.ts --filter 'a b'",
  );
});

Deno.test("probeKernelFacts() measures TCP_INFO's length where the helper runs, else says not measured", async () => {
  const facts = await probeKernelFacts();
  const helper = await ensureHelper();
  if (helper.available && ["linux", "freebsd"].includes(Deno.build.os)) {
    // struct tcp_info: 104 bytes in Linux 3.x, 280 in 6.18; never more
    // than the 1024-byte buffer the helper offers.
    const bytes = facts?.tcpInfoBytes ?? 0;
    assert(bytes >= 104 && bytes < 1024, `TCP_INFO ${bytes} bytes`);
  } else {
    assertEquals(facts, null);
  }
  const env = await probeEnvironment();
  const pairs = new Map(environmentPairs({ ...env, kernelFacts: facts }));
  assertEquals(
    pairs.get("TCP_INFO"),
    facts ? `${facts.tcpInfoBytes} bytes` : "not measured (no helper)",
  );
});
