/**
 * The kit's built-in expectation tables, one file per platform, in the
 * spirit of gVisor's per-platform expectation files: the case code never
 * branches on the OS, it asks for the expectation of a step and compares.
 *
 * @module
 */

import type { OsName } from "../platform/mod.ts";
import type { PlatformTable } from "./types.ts";
import { linux } from "./linux.ts";
import { darwin } from "./darwin.ts";
import { freebsd } from "./freebsd.ts";
import { windows } from "./windows.ts";
import { withNodeLayers } from "./node.ts";

/** The built-in tables by OS. */
export const EXPECTATIONS: Readonly<
  Record<Exclude<OsName, "other">, PlatformTable>
> = { linux: withNodeLayers(linux), darwin, freebsd, windows };
