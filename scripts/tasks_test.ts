/** The deno.json tasks: every Deno a task starts skips the update check. */
import { assertEquals } from "@std/assert";
import config from "../deno.json" with { type: "json" };

Deno.test("every deno.json task that starts deno sets DENO_NO_UPDATE_CHECK=1", () => {
  // Deno's update check sends DNS queries; a run touches only loopback.
  const tasks = Object.entries(config.tasks as Record<string, string>);
  const missing = tasks.filter(([, command]) =>
    command.split("&&").some((part) =>
      /(^|\s)deno\s/.test(part) &&
      !/(^|\s)DENO_NO_UPDATE_CHECK=1\s/.test(part)
    )
  ).map(([name]) => name);
  // "check" runs deno fmt/lint/check, which do not check for updates.
  assertEquals(missing.filter((name) => name !== "check"), []);
});
