/**
 * macOS expectations: the POSIX base, plus what a cited source states for
 * XNU's BSD-derived stack. Every other step runs and is reported unjudged.
 *
 * @module
 */

import type { PlatformTable } from "./types.ts";
import { bsdDifferences } from "./freebsd.ts";
import { posix } from "./posix.ts";

/** macOS: case id → layer → step → expectation. */
export const darwin: PlatformTable = { ...posix, ...bsdDifferences };
