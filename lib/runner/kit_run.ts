/**
 * One kit run, as `deno task kit` and each run of `deno task soak` make
 * it: the selected cases in their test processes, then every wire case
 * replayed by packetdrill.
 *
 * The replay waits for the test processes on purpose. packetdrill spins on
 * the CPU for about 100 ms at the start of every script (it watches
 * `times()` for ten jiffy edges to start mid-jiffy), niced ahead of other
 * work where allowed; run beside the cases, that stole their CPU: a soak
 * saw an exit-drawn RST 110 ms late (median 0.9 ms), beyond its bound, in
 * one of 34 runs.
 *
 * @module
 */

import {
  addPacketdrillLayer,
  type LayerOptions,
} from "../packetdrill/layer.ts";
import type { ReportCase } from "../report/report.ts";
import type { TestRunner } from "./deno_test_process.ts";
import {
  runSelection,
  type RunSelectionOptions,
  type Selection,
} from "./runner.ts";

/** What {@linkcode runKit} gives back. */
export interface KitRun {
  /** One row per case and layer, each packetdrill row after its wire row. */
  rows: ReportCase[];
  /** The packetdrill scripts written (when a folder was given). */
  written: string[];
}

/**
 * Runs `selection`, then adds the `packetdrill` layer. Interrupted
 * (`signal`), it returns the finished cases' rows without packetdrill rows.
 *
 * @example
 * ```ts ignore
 * import { runKit } from "./kit_run.ts";
 * import { runDenoTest } from "./deno_test_process.ts";
 * const { rows } = await runKit(selection, runDenoTest, {}, { kit });
 * ```
 */
export async function runKit(
  selection: Selection,
  run: TestRunner,
  options: RunSelectionOptions,
  packetdrill: LayerOptions,
): Promise<KitRun> {
  const rows = await runSelection(selection, run, options);
  if (options.signal?.aborted) return { rows, written: [] };
  return await addPacketdrillLayer(rows, packetdrill);
}
