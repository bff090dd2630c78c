import { assertEquals, assertRejects } from "@std/assert";
import { UsageError } from "./command_line.ts";
import { prepareOutputPath, writeOutput } from "./output_path.ts";

// The tests may write only under the helper cache (deno.json permissions).
const dir = "node_modules/.cache/closewait/output-path-test";

Deno.test("prepareOutputPath() refuses a path outside the write permission", async () => {
  await assertRejects(
    () => prepareOutputPath("--json", "/etc/closewait.json", "use reports/"),
    UsageError,
    "--json /etc/closewait.json: not writable with this process's permissions; use reports/",
  );
});

Deno.test("prepareOutputPath() creates the directory, and writeOutput() writes", async () => {
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  try {
    const path = `${dir}/deep/er/report.json`;
    await prepareOutputPath("--json", path, "");
    await writeOutput("--json", path, "{}\n");
    assertEquals(await Deno.readTextFile(path), "{}\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("prepareOutputPath() refuses a directory", async () => {
  await Deno.mkdir(dir, { recursive: true });
  try {
    await assertRejects(
      () => prepareOutputPath("--junit", dir, ""),
      UsageError,
      "is a directory",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
