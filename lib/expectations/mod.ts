/**
 * Expected behaviour as data: per platform, case, layer and step, with the
 * source of every claim, kernel ranges where kernels differ and known
 * deviations with their upstream reports.
 *
 * @example A case's own expectations laid over the built-in tables
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { expectationFor, withCaseExpectations } from "./mod.ts";
 * const linux = { os: "linux", kernel: "6.12.0", arch: "x86_64", deno: "2.9.6", v8: "" } as const;
 * const tables = withCaseExpectations("my-case", "syscall", {
 *   linux: { "read()": { expect: "0", source: "recv(2): 0 at end of stream" } },
 * });
 * assertEquals(expectationFor(linux, "my-case", "syscall", "read()", tables)?.expect, "0");
 * ```
 *
 * @module
 */

export * from "./types.ts";
export * from "./tables.ts";
export * from "./lookup.ts";
