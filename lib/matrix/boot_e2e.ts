/**
 * End-to-end: boots one cached kernel (fetching bookworm's 6.1 first when
 * none is cached) and runs one case in it through `deno task matrix run`.
 *
 * Not part of `deno task test` (its name is not a test file's): it needs
 * QEMU, busybox-static and apt, and takes minutes under TCG. `.ci/run`
 * runs it when `CLOSEWAIT_MATRIX_E2E=1`:
 *
 * ```sh
 * CLOSEWAIT_MATRIX_E2E=1 .ci/run
 * # or alone, after ./scripts/setup.sh --matrix:
 * npx deno test --allow-run=./node_modules/deno/deno --allow-read=. lib/matrix/boot_e2e.ts
 * ```
 *
 * @module
 */

import { assert, assertEquals } from "@std/assert";

const CASE = "tcp-fin-reads-zero";
const JSON_OUT = "reports/matrix/e2e.json";

async function task(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "matrix", ...args],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(30 * 60_000),
  }).output();
  const text = new TextDecoder().decode(out.stdout) +
    new TextDecoder().decode(out.stderr);
  return { code: out.code, text };
}

Deno.test({
  name: `matrix run boots a Debian kernel and runs ${CASE} in it`,
  sanitizeResources: false,
  fn: async () => {
    const list = await task(["list"]);
    assertEquals(list.code, 0, list.text);
    if (list.text.includes("no kernels cached")) {
      const fetch = await task([
        "fetch",
        "--only",
        "--kernel",
        "linux-image-amd64/bookworm",
      ]);
      assertEquals(fetch.code, 0, fetch.text);
    }
    const release = (await task(["list"])).text.split("\n")
      .find((l) => /^\d+\.\d+/.test(l))?.split(/\s+/)[0];
    if (!release) throw new Error("no kernel is cached after the fetch");
    const run = await task([
      "run",
      "--kernel",
      release,
      "--filter",
      CASE,
      "--layer",
      "syscall",
      "--timeout",
      "1200",
      "--json",
      JSON_OUT,
    ]);
    assertEquals(run.code, 0, run.text);
    const data = JSON.parse(await Deno.readTextFile(JSON_OUT));
    const [host, guest] = data.columns;
    assertEquals([host.kind, guest.kind, guest.status], [
      "host",
      "guest",
      "done",
    ]);
    assertEquals(guest.release, release);
    // The guest's report was made by the guest's kernel, not the host's.
    const report = JSON.parse(await Deno.readTextFile(guest.report));
    assertEquals(report.environment.kernel, release);
    assert(report.environment.kernel !== host.release);
    assert(
      guest.facts.tcpInfoBytes >= 104 && guest.facts.tcpInfoBytes <= 1024,
      `TCP_INFO ${guest.facts.tcpInfoBytes} bytes`,
    );
    const row = data.matrix.rows.find((r: { id: string }) => r.id === CASE);
    assertEquals(
      row.cells.map((c: { status: string }) => c.status),
      ["passed", "passed"],
    );
    // Nothing of the run is left: its folder is gone.
    assert(!run.text.includes("kept the run's folder"));
  },
});
