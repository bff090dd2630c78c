import { assertEquals } from "@std/assert";
import { layerMatrix } from "./layers.ts";

Deno.test("layerMatrix() is absent without a node layer", () => {
  assertEquals(
    layerMatrix(
      [{ id: "a", layer: "syscall", status: "passed" }],
      (r) => r.status,
    ),
    undefined,
  );
});

Deno.test("layerMatrix() puts runtimes as columns beside the kernel layers", () => {
  const table = layerMatrix([
    { id: "a", layer: "node@deno", status: "compat-differs" },
    { id: "a", layer: "wire", status: "passed" },
    { id: "b", layer: "packetdrill", status: "skipped" },
    { id: "b", layer: "node@nodejs", status: "failed" },
  ], (r) => r.status.toUpperCase())!.split("\n");
  assertEquals(
    table[0],
    "| case | syscall | deno | wire | node@nodejs | node@deno | node@bun | packetdrill |",
  );
  assertEquals(
    table[2],
    "| `a` | · | · | PASSED | · | COMPAT-DIFFERS | · | · |",
  );
  assertEquals(table[3], "| `b` | · | · | · | FAILED | · | · | SKIPPED |");
});
