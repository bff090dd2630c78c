/**
 * The C helper and its driver: one small C program (`closewait_helper.c`),
 * built with the machine's compiler on first use into the user's cache
 * folder, that makes the system calls Deno cannot (SO_LINGER, SIGPIPE,
 * pipes, raw errno) and answers each command line with one answer line.
 *
 * @example Parse one answer line
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { brief, parseAnswer } from "./mod.ts";
 * const answer = parseAnswer("write 5 123", "fail ret=-1 errno=EPIPE t0=10 t1=12");
 * assertEquals(brief(answer), "-1 EPIPE");
 * ```
 *
 * @module
 */

export * from "./protocol.ts";
export * from "./build.ts";
export * from "./helper.ts";
