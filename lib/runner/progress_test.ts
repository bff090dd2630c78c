import { assertEquals } from "@std/assert";
import { renderRunBar } from "./progress.ts";

Deno.test("renderRunBar() fills in proportion and counts failures", () => {
  assertEquals(renderRunBar(0, 4, 0, 4), "[----] 0/4 runs, 0 failed");
  assertEquals(renderRunBar(3, 4, 1, 4), "[###-] 3/4 runs, 1 failed");
  assertEquals(renderRunBar(4, 4, 0, 4), "[####] 4/4 runs, 0 failed");
});
