/**
 * The generator: one wire case run (its helper transcripts and one
 * capture) in, one packetdrill script out, or the reason none can be
 * written. One generator for every case; nothing here knows a case.
 *
 * @module
 */

import type { CaseResult } from "../case/result.ts";
import type { Trace } from "../wire/segment.ts";
import { NotExpressible, rolesOf } from "./calls.ts";
import { type CaptureInput, captureOf, type ScriptInput } from "./input.ts";
import { MAX_PAYLOAD, renderScript } from "./script.ts";
import { orderEvents, token } from "./timeline.ts";

/** A generated script, or why there is none. */
export type Generated =
  | {
    ok: true;
    /** Case id. */
    caseId: string;
    /** Address family of the capture. */
    family: "ipv4" | "ipv6";
    /** File name: `<case-id>.<family>.pkt`. */
    name: string;
    /** The script. */
    script: string;
  }
  | {
    ok: false;
    /** Case id. */
    caseId: string;
    /** Address family, when a capture was there to read. */
    family?: "ipv4" | "ipv6";
    /** Why no script: one line. */
    reason: string;
  };

/**
 * Generates the script for one capture of one case run.
 *
 * @example
 * ```ts ignore
 * import { generateScript } from "./generate.ts";
 * const g = generateScript({ caseId, kit, transcripts, capture });
 * if (g.ok) await Deno.writeTextFile(`reports/pkt/${g.name}`, g.script);
 * else console.log(`not generated: ${g.reason}`);
 * ```
 */
export function generateScript(input: ScriptInput): Generated {
  const { caseId, capture } = input;
  const family = capture.family;
  try {
    const big = capture.segments.find((s) => s.len > MAX_PAYLOAD);
    if (big) {
      throw new NotExpressible(
        `${
          token(big)
        } carries ${big.len} bytes: over the scripted MSS (${MAX_PAYLOAD}) one write is several segments`,
      );
    }
    const roles = rolesOf(input.transcripts, capture);
    const timeline = orderEvents(capture.segments, roles);
    return {
      ok: true,
      caseId,
      family,
      name: `${caseId}.${family}.pkt`,
      script: renderScript(input, timeline, roles.side),
    };
  } catch (e) {
    if (!(e instanceof NotExpressible)) throw e;
    return { ok: false, caseId, family, reason: e.message };
  }
}

/** Every capture a result holds: its trace and the ones checked after it. */
export function tracesOf(result: Pick<CaseResult, "trace">): Trace[] {
  if (!result.trace) return [];
  return [result.trace, ...(result.trace.others ?? [])];
}

/**
 * The scripts of one case result: one per capture (address family), or
 * one "not generated" entry with the reason (not a wire case, no
 * transcripts, a capture the generator cannot read).
 *
 * @example
 * ```ts ignore
 * import { scriptsForResult } from "./generate.ts";
 * for (const g of scriptsForResult(result, { name: "@closewait/kit", version: "0.1.0" })) {
 *   console.log(g.ok ? g.name : `not generated: ${g.reason}`);
 * }
 * ```
 */
export function scriptsForResult(
  result:
    & Pick<CaseResult, "id" | "layer" | "summary" | "trace" | "transcripts">
    & Partial<Pick<CaseResult, "platform">>,
  kit: ScriptInput["kit"],
  platform?: string,
): Generated[] {
  const caseId = result.id;
  if (result.layer !== "wire") {
    return [{
      ok: false,
      caseId,
      reason:
        `the ${result.layer} layer has no capture: only wire cases are scripted`,
    }];
  }
  const traces = tracesOf(result);
  if (traces.length === 0) {
    return [{
      ok: false,
      caseId,
      reason: "the run recorded no capture (skipped, or failed before it)",
    }];
  }
  if (!result.transcripts?.length) {
    return [{
      ok: false,
      caseId,
      reason: "the run recorded no helper transcript (a Deno-only case?)",
    }];
  }
  platform ??= result.platform
    ? `${result.platform.os} ${result.platform.kernel} ${result.platform.arch}`
    : undefined;
  const out: Generated[] = [];
  const captured: CaptureInput[] = [];
  for (const trace of traces) {
    const capture = captureOf(trace);
    if (!capture) {
      out.push({
        ok: false,
        caseId,
        reason: `the capture names no listening address and port (${
          trace.capture ?? "no description"
        })`,
      });
      continue;
    }
    captured.push(capture);
  }
  const base = {
    caseId,
    summary: result.summary,
    kit,
    platform,
    transcripts: result.transcripts!,
  };
  for (const capture of captured) {
    out.push(generateScript({ ...base, capture }));
  }
  // A case that ran over one family only: its story on the other stack too.
  for (const family of ["ipv4", "ipv6"] as const) {
    if (captured.length === 0 || captured.some((c) => c.family === family)) {
      continue;
    }
    out.push(generateScript({
      ...base,
      capture: { ...captured[0], family },
      replayedFrom: captured[0].family,
    }));
  }
  return out;
}
