/**
 * Why something the kit needs cannot be used here, sorted by the code that
 * found out (not by reading its message afterwards), so a run can skip for
 * what is missing and fail for what is broken.
 *
 * @module
 */

/**
 * - `absent`: not installed;
 * - `not-permitted`: installed, but this process may not use it (Deno's
 *   permissions, or the OS's: root, capabilities);
 * - `unsupported`: this OS cannot;
 * - `broken`: present and permitted, but it fails (a defect to report,
 *   never a reason to skip).
 */
export type UnavailableKind =
  | "absent"
  | "not-permitted"
  | "unsupported"
  | "broken";

/**
 * What is unavailable and why, with what to do about it.
 *
 * @example
 * ```ts
 * import type { Unavailable } from "./unavailable.ts";
 * const why: Unavailable = {
 *   kind: "absent",
 *   reason: "tcpdump is not installed: apt-get install -y tcpdump",
 * };
 * console.log(`${why.kind}: ${why.reason}`);
 * ```
 */
export interface Unavailable {
  /** What kind of problem it is. */
  kind: UnavailableKind;
  /** The reason, with what to do about it. */
  reason: string;
}
