/**
 * One kit run, as `deno task kit` and each run of `deno task soak` make
 * it: the selected cases in their test processes, and every wire case
 * replayed by packetdrill as soon as its record is in, while the other
 * cases still run (packetdrill spends most of a script setting up its tun
 * device, which needs no test process to have finished).
 *
 * @module
 */

import {
  addPacketdrillLayer,
  type LayerOptions,
  PacketdrillReplay,
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
 * Runs `selection` and adds the `packetdrill` layer, replaying each wire
 * row while the rest runs. Interrupted (`signal`), it starts no further
 * script, waits for those running, and returns the finished cases' rows
 * without packetdrill rows.
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
  const replay = new PacketdrillReplay(packetdrill, options.signal);
  const rows = await runSelection(selection, run, {
    ...options,
    onRecord: (row) => {
      replay.add(row);
      options.onRecord?.(row);
    },
  });
  if (options.signal?.aborted) {
    await replay.finish([]);
    return { rows, written: [] };
  }
  return await addPacketdrillLayer(rows, replay);
}
