/**
 * windows expectations: only what a cited source states; every other step of
 * a case runs and is reported as unjudged on windows.
 *
 * @module
 */

import type { PlatformTable } from "../expectations.ts";

/** windows: case id → layer → step → expectation. */
export const windows: PlatformTable = {};
