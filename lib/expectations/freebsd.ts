/**
 * freebsd expectations: only what a cited source states; every other step of
 * a case runs and is reported as unjudged on freebsd.
 *
 * @module
 */

import type { PlatformTable } from "../expectations.ts";

/** freebsd: case id → layer → step → expectation. */
export const freebsd: PlatformTable = {};
