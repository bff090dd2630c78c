/**
 * How the kit's commands (kit, soak) start `deno test`: every process gets
 * the run's id (`CLOSEWAIT_RUN_ID`, inherited by the helpers and tcpdump it
 * starts, so a leak check counts only this run's processes) and the
 * requirements `--require` names (`CLOSEWAIT_REQUIRE`, comma-separated: a
 * case lacking one fails instead of skipping), and is stopped when the
 * command is interrupted.
 *
 * @module
 */

import type { Requirement } from "../case/requirements.ts";
import { runDenoTest, type TestRunner } from "./deno_test_process.ts";

/** The environment variable naming the run a process belongs to. */
export const RUN_ID_ENV = "CLOSEWAIT_RUN_ID";

/** The environment variable listing the requirements `--require` names. */
export const REQUIRE_ENV = "CLOSEWAIT_REQUIRE";

/**
 * The environment the kit adds for its test processes.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { kitTestEnv } from "./kit_test_runner.ts";
 * assertEquals(kitTestEnv("r1", ["helper", "ipv6"]), {
 *   CLOSEWAIT_RUN_ID: "r1",
 *   CLOSEWAIT_REQUIRE: "helper,ipv6",
 * });
 * ```
 */
export function kitTestEnv(
  runId: string,
  require: readonly Requirement[],
): Record<string, string> {
  return {
    [RUN_ID_ENV]: runId,
    ...(require.length > 0 ? { [REQUIRE_ENV]: require.join(",") } : {}),
  };
}

/**
 * A {@linkcode TestRunner} for a kit command: `base` (`runDenoTest`) with
 * {@linkcode kitTestEnv} added and `signal` as the stop signal of every
 * request that has none.
 *
 * @example
 * ```ts ignore
 * import { kitTestRunner } from "./kit_test_runner.ts";
 * const run = kitTestRunner(AbortSignal.timeout(60_000), ["helper"]);
 * const p = await run({ paths: ["cases/"], list: true, timeoutMs: 60_000 });
 * ```
 */
export function kitTestRunner(
  signal: AbortSignal,
  require: readonly Requirement[],
  runId: string = crypto.randomUUID(),
  base: TestRunner = runDenoTest,
): TestRunner {
  const env = kitTestEnv(runId, require);
  return (request) =>
    base({
      ...request,
      signal: request.signal ?? signal,
      env: { ...request.env, ...env },
    });
}
