import { assertEquals } from "@std/assert";
import { testArgs } from "./deno_test_process.ts";

Deno.test("testArgs() runs with the config's permissions, and lists without type checks", () => {
  assertEquals(testArgs({ paths: ["cases/a_test.ts"], timeoutMs: 1 }), [
    "test",
    "-P",
    "cases/a_test.ts",
  ]);
  assertEquals(
    testArgs({
      paths: ["cases"],
      list: true,
      filter: "/ \\[[a-z]+\\]$/",
      timeoutMs: 1,
    }),
    ["test", "-P", "--no-check", "--filter", "/ \\[[a-z]+\\]$/", "cases"],
  );
});
