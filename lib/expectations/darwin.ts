/**
 * darwin expectations: only what a cited source states; every other step of
 * a case runs and is reported as unjudged on darwin.
 *
 * @module
 */

import type { PlatformTable } from "../expectations.ts";

/** darwin: case id → layer → step → expectation. */
export const darwin: PlatformTable = {};
