import { assert, assertEquals } from "@std/assert";
import { firstLine, probeEnvironment } from "./environment.ts";

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
