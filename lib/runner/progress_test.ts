import { assertEquals } from "@std/assert";
import { escapesAllowed, renderRunBar, RunProgress } from "./progress.ts";

Deno.test("renderRunBar() fills in proportion and counts failures", () => {
  assertEquals(renderRunBar(0, 4, 0, 4), "[----] 0/4 runs, 0 failed");
  assertEquals(renderRunBar(3, 4, 1, 4), "[###-] 3/4 runs, 1 failed");
  assertEquals(renderRunBar(4, 4, 0, 4), "[####] 4/4 runs, 0 failed");
});

Deno.test("escapesAllowed() gives TERM=dumb and non-terminals no escapes", () => {
  assertEquals(escapesAllowed(true, "dumb"), false);
  assertEquals(escapesAllowed(false, "xterm-256color"), false);
  assertEquals(escapesAllowed(true, "xterm-256color"), true);
  assertEquals(escapesAllowed(true, undefined), true);
});

Deno.test("RunProgress writes plain lines, no escape sequence, where escapes are not allowed", () => {
  let text = "";
  const bar = new RunProgress({
    escapes: escapesAllowed(true, "dumb"),
    write: (t) => text += t,
  });
  bar.show(1, 2, 0, "note");
  bar.clear();
  assertEquals(
    text,
    "[###############---------------] 1/2 runs, 0 failed  note\n",
  );
  assertEquals(text.includes("\x1b"), false);
});
