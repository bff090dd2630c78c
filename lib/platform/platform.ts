/**
 * What machine and runtime the kit is judging: the facts every verdict is
 * qualified with (expectations are looked up by OS and kernel release).
 *
 * @module
 */

/** Operating systems the expectation data is keyed by. */
export type OsName = "linux" | "darwin" | "freebsd" | "windows" | "other";

/** The platform a run observed. */
export interface Platform {
  /** `Deno.build.os`, narrowed to the systems expectations exist for. */
  os: OsName;
  /** Kernel release as `uname -r` prints it, e.g. `6.12.117+deb12-amd64`. */
  kernel: string;
  /** CPU architecture, e.g. `x86_64`. */
  arch: string;
  /** Deno version, e.g. `2.9.6`. */
  deno: string;
  /** V8 version bundled with that Deno. */
  v8: string;
}

function osName(os: string): OsName {
  return os === "linux" || os === "darwin" || os === "freebsd" ||
      os === "windows"
    ? os
    : "other";
}

let cached: Platform | undefined;

/**
 * Returns the current platform (computed once per process).
 *
 * @example Qualify a message with the kernel
 * ```ts
 * import { currentPlatform } from "./platform.ts";
 * const p = currentPlatform();
 * console.log(`${p.os} ${p.kernel}, Deno ${p.deno}`);
 * ```
 */
export function currentPlatform(): Platform {
  cached ??= {
    os: osName(Deno.build.os),
    kernel: Deno.osRelease(),
    arch: Deno.build.arch,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
  };
  return cached;
}

/**
 * Parses the leading numeric part of a release string: `6.12.117+deb12-amd64`
 * gives `[6, 12, 117]`, `23.4.0` (Darwin) gives `[23, 4, 0]`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseRelease } from "./platform.ts";
 * assertEquals(parseRelease("6.1.0-56-amd64"), [6, 1, 0]);
 * ```
 */
export function parseRelease(release: string): number[] {
  const match = /^(\d+(?:\.\d+)*)/.exec(release.trim());
  if (!match) {
    throw new RangeError(`not a kernel release: ${JSON.stringify(release)}`);
  }
  return match[1].split(".").map(Number);
}

/**
 * Compares two releases numerically, part by part (missing parts count as 0).
 * Returns a negative number, 0 or a positive number.
 *
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { compareReleases } from "./platform.ts";
 * assert(compareReleases("6.12.117+deb12-amd64", "6.2") > 0);
 * ```
 */
export function compareReleases(a: string, b: string): number {
  const x = parseRelease(a);
  const y = parseRelease(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
