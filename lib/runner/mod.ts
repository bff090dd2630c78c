/**
 * The kit runner behind `deno task kit`: finds case files, lists the
 * catalog, runs a selection in one `deno test` process (falling back to one
 * process per file, so a crash or a type error still shows as a failed
 * row), parses its output into case results, and writes reports.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseKitArgs } from "./mod.ts";
 * const options = parseKitArgs(["--filter", "tcp-fin", "--layer", "syscall"]);
 * assertEquals([options.layer, options.filter?.text], ["syscall", "tcp-fin"]);
 * ```
 *
 * @module
 */

export * from "./runner.ts";
export * from "./kit_run.ts";
export * from "./args.ts";
export * from "./command_line.ts";
export * from "./deno_test_process.ts";
export * from "./test_output.ts";
export * from "./catalog_cache.ts";
export * from "./output_path.ts";
export * from "./progress.ts";
export * from "./test_permissions.ts";
export * from "./interrupt.ts";
export * from "./process_group.ts";
export * from "./kit_test_runner.ts";
export * from "./launch.ts";
