import { assertEquals, assertStringIncludes } from "@std/assert";
import { judgeReset, RESET_BOUND_ROUND_TRIPS } from "./bound.ts";

Deno.test("judgeReset() bounds the delay by round trips of the same run", () => {
  assertEquals(
    judgeReset(RESET_BOUND_ROUND_TRIPS * 20, 20).verdict,
    "within bound",
  );
  assertEquals(
    judgeReset(RESET_BOUND_ROUND_TRIPS * 20 + 1, 20).verdict,
    "beyond bound",
  );
});

Deno.test("judgeReset() flags a reset seen before its trigger", () => {
  const j = judgeReset(-0.5, 20);
  assertEquals(j.verdict, "before trigger");
  assertStringIncludes(j.detail, "-0.5 µs");
});
