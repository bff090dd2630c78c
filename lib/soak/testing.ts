/**
 * Test support for the leak check: processes that look like the kit's (a
 * `closewait-helper`, a tcpdump) but that no kit run started, orphaned the
 * way a leftover is (their parent has exited), and ended again afterwards.
 * A short-lived `deno eval` (which has every permission) starts and ends
 * them, so the tests need no more than running Deno.
 *
 * @module
 */

async function denoEval(code: string): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(30_000),
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(
      `deno eval failed: ${new TextDecoder().decode(out.stderr).trim()}`,
    );
  }
  return text;
}

/** Orphaned look-alike processes, ended on dispose. */
export interface ForeignProcesses extends AsyncDisposable {
  /** Their process ids: the fake helper first, then tcpdump if asked. */
  pids: number[];
}

/**
 * Starts, orphaned, a `sleep` renamed `closewait-helper` and, when
 * `tcpdump` is set, `tcpdump -i lo -n port 1`; `env` is added to their
 * environment (e.g. a run id, to play a real leftover).
 *
 * @example
 * ```ts ignore
 * import { startForeignProcesses } from "./testing.ts";
 * await using foreign = await startForeignProcesses({ tcpdump: false });
 * console.log(foreign.pids);
 * ```
 */
export async function startForeignProcesses(
  options: { tcpdump: boolean; env?: Record<string, string> },
): Promise<ForeignProcesses> {
  const started = JSON.parse(
    await denoEval(`
const dir = await Deno.makeTempDir({ prefix: "closewait-foreign-" });
const helper = dir + "/closewait-helper";
await Deno.copyFile("/bin/sleep", helper);
await Deno.chmod(helper, 0o755);
const pids = [];
const spawn = (cmd, args) => {
  const c = new Deno.Command(cmd, {
    args, env: ${JSON.stringify(options.env ?? {})},
    stdin: "null", stdout: "null", stderr: "null", detached: true,
  }).spawn();
  c.unref();
  pids.push(c.pid);
};
spawn(helper, ["60"]);
if (${options.tcpdump}) spawn("tcpdump", ["-i", "lo", "-n", "port", "1"]);
console.log(JSON.stringify({ dir, pids }));
`),
  ) as { dir: string; pids: number[] };
  return {
    pids: started.pids,
    async [Symbol.asyncDispose]() {
      await denoEval(`
for (const pid of ${JSON.stringify(started.pids)}) {
  try { Deno.kill(pid, "SIGKILL"); } catch { /* gone */ }
}
await Deno.remove(${JSON.stringify(started.dir)}, { recursive: true });
`);
    },
  };
}
