/**
 * What the generator reads: one wire case's run, as its result records it
 * (the helpers' transcripts and one capture's segments), and the
 * capture's listening endpoint and address family, read from the
 * capture's description.
 *
 * @module
 */

import type { HelperTranscript } from "../case/result.ts";
import type { Segment, Trace } from "../wire/segment.ts";

/** One capture of a case's connection, with what identifies it. */
export interface CaptureInput {
  /** `ipv4` or `ipv6` (the address the case listened on). */
  family: "ipv4" | "ipv6";
  /** The listening address, e.g. `127.0.0.1` or `::1`. */
  address: string;
  /** The listening port (the kernel's choice in that run). */
  port: number;
  /** The connection's segments, relative numbers, ms since the first. */
  segments: Segment[];
}

/** Everything one script is generated from. */
export interface ScriptInput {
  /** Case id, e.g. `tcp-write-after-peer-close`. */
  caseId: string;
  /** The case's one-sentence summary, for the script's header. */
  summary?: string;
  /** The kit that ran it, for the header: `@closewait/kit 0.1.0`. */
  kit: { name: string; version: string };
  /** The platform it ran on, for the header, e.g. `linux 6.18.44`. */
  platform?: string;
  /** Every helper's transcript in that case run. */
  transcripts: readonly HelperTranscript[];
  /** The capture the script reproduces. */
  capture: CaptureInput;
  /**
   * Set when the case ran over one family only and this script replays that
   * capture over the other (`capture.family`): the family it was captured
   * over.
   */
  replayedFrom?: "ipv4" | "ipv6";
}

const FILTER = /host (\S+) and \(port (\d+)/;

/**
 * Reads the listening address, port and family of a capture from its
 * description (the tcpdump command line the wire layer records):
 * `undefined` when the description does not name them.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { captureOf } from "./input.ts";
 * const c = captureOf({
 *   segments: [],
 *   capture: "tcpdump -i lo -n 'tcp and host ::1 and (port 40823 or port 41000)' (on lo)",
 * });
 * assertEquals([c?.family, c?.address, c?.port], ["ipv6", "::1", 40823]);
 * ```
 */
export function captureOf(trace: Trace): CaptureInput | undefined {
  const m = FILTER.exec(trace.capture ?? "");
  if (!m) return undefined;
  return {
    family: m[1].includes(":") ? "ipv6" : "ipv4",
    address: m[1],
    port: Number(m[2]),
    segments: trace.segments,
  };
}
