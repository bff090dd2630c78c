/**
 * The platform a run observes (OS, kernel release, architecture, Deno and
 * V8 versions), kernel release ordering for expectation ranges, and the
 * user's cache folder where the kit keeps what it builds.
 *
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { compareReleases } from "./mod.ts";
 * assert(compareReleases("6.12.117+deb12-amd64", "6.1") > 0);
 * ```
 *
 * @module
 */

export * from "./platform.ts";
export * from "./cache_dir.ts";
export * from "./unavailable.ts";
export * from "./sha256.ts";
