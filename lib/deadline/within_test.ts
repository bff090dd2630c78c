import { assertEquals, assertRejects } from "@std/assert";
import { TIMED_OUT, within } from "./within.ts";

Deno.test("within() resolves with the value when work finishes first", async () => {
  assertEquals(await within(Promise.resolve("done"), 1000), "done");
});

Deno.test("within() gives TIMED_OUT when the deadline passes first", async () => {
  assertEquals(await within(new Promise(() => {}), 1), TIMED_OUT);
});

Deno.test("within() passes a rejection through", async () => {
  await assertRejects(
    () => within(Promise.reject(new Error("boom")), 1000),
    Error,
    "boom",
  );
});
