import { assertEquals, assertThrows } from "@std/assert";
import {
  findRuntime,
  parseRuntimes,
  runtimeHeader,
  RUNTIMES,
  scriptArgs,
  versionOf,
} from "./runtimes.ts";

Deno.test("parseRuntimes() accepts names and node for nodejs, refuses others", () => {
  assertEquals(parseRuntimes("bun, node"), ["bun", "nodejs"]);
  assertEquals(parseRuntimes("deno,deno"), ["deno"]);
  assertThrows(() => parseRuntimes("nodejs,quickjs"), Error, "unknown runtime");
  assertThrows(() => parseRuntimes(","), Error, "at least one");
});

Deno.test("versionOf() reads each runtime's --version line", () => {
  assertEquals(versionOf("nodejs", "v26.12.1\n"), "26.12.1");
  assertEquals(versionOf("bun", "1.4.5\n"), "1.4.5");
  assertEquals(
    versionOf("deno", "deno 2.9.6 (stable, release)\nv8 15\n"),
    "2.9.6",
  );
});

Deno.test("scriptArgs() gives Deno loopback-only network and no config", () => {
  assertEquals(scriptArgs("nodejs"), []);
  assertEquals(
    scriptArgs("deno").includes("--allow-net=127.0.0.1,[::1]"),
    true,
  );
  assertEquals(scriptArgs("deno").includes("--no-config"), true);
});

Deno.test("findRuntime() finds the Deno running the kit, or says why not", async () => {
  const deno = await findRuntime("deno");
  if ("version" in deno) assertEquals(deno.version, Deno.version.deno);
  else throw new Error(deno.reason);
  for (const name of RUNTIMES) {
    const r = await findRuntime(name);
    // Absent or present, the answer is one or the other, never a throw.
    assertEquals(typeof ("version" in r ? r.version : r.reason), "string");
  }
});

Deno.test("runtimeHeader() names Node.js and Bun with a version or a reason", async () => {
  const header = await runtimeHeader();
  assertEquals(Object.keys(header), ["Node.js", "Bun"]);
  for (const line of Object.values(header)) {
    assertEquals(
      /^(\d+\.\d+\.\d+\S* \(.+\)|absent: .+)$/.test(line),
      true,
      line,
    );
  }
});
