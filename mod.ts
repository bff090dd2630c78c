/**
 * closewait: a conformance kit for what a kernel and a runtime do when a TCP
 * connection is torn down.
 *
 * Cases (in `cases/`) are built from these pieces: the C helper and its
 * driver for raw system calls, Deno TCP pairs, the socket-state probe,
 * expectations as data, RST timing, and the result records reports are
 * made from.
 *
 * @example A case at the syscall layer
 * ```ts ignore
 * import { brief, conformanceCase } from "./mod.ts";
 * await conformanceCase({
 *   id: "tcp-write-after-peer-close",
 *   layer: "syscall",
 *   summary: "The first write after the peer's close() succeeds.",
 *   needs: ["helper"],
 *   async fn(s) {
 *     await using h = await s.helper("helper");
 *     const listener = await h.listen("127.0.0.1");
 *     const client = await h.connect(listener.local);
 *     const server = await h.accept(listener.fd);
 *     await h.expectOk(`close ${client.fd}`);
 *     s.check("server write() #1", brief(await h.run(`write ${server.fd} 123`)));
 *   },
 * });
 * ```
 *
 * @example A case at the wire layer (tcpdump on loopback)
 * ```ts ignore
 * import { conformanceCase } from "./mod.ts";
 * await conformanceCase({
 *   id: "tcp-linger-zero-sends-rst",
 *   layer: "wire",
 *   summary: "SO_LINGER {on, 0} + close() sends an RST at once.",
 *   needs: ["helper", "tcpdump"],
 *   async fn(s) {
 *     await using h = await s.helper("helper");
 *     await using wire = await s.wirePair(h, "127.0.0.1"); // capture from the SYN
 *     await h.expectOk(`linger ${wire.client.fd} 1 0`);
 *     await h.batch([`close ${wire.client.fd}`, `poll ${wire.server.fd} in 1000`]);
 *     s.checkSegments("segments", await wire.stop()); // "c:S s:S. c:. c:R."
 *   },
 * });
 * ```
 *
 * @module
 */

export * from "./lib/platform.ts";
export * from "./lib/helper_protocol.ts";
export * from "./lib/helper_build.ts";
export * from "./lib/helper.ts";
export * from "./lib/pair.ts";
export * from "./lib/socket_state.ts";
export * from "./lib/expectations.ts";
export * from "./lib/requirements.ts";
export * from "./lib/result.ts";
export * from "./lib/segment.ts";
export * from "./lib/tcpdump.ts";
export * from "./lib/tcpdump_text.ts";
export * from "./lib/capture.ts";
export * from "./lib/wire_pair.ts";
export * from "./lib/wire_sequence.ts";
export * from "./lib/wire_render.ts";
export * from "./lib/wire_timing.ts";
export * from "./lib/scenario.ts";
export * from "./lib/timing.ts";
export * from "./lib/within.ts";
export * from "./lib/lock_file.ts";
export * from "./lib/catalog_cache.ts";
export * from "./lib/soak_stats.ts";
export * from "./lib/soak_args.ts";
export * from "./lib/cpu_burner.ts";
export * from "./lib/leak_check.ts";
export * from "./lib/run_progress.ts";
export * from "./lib/bench.ts";
export * from "./lib/environment.ts";
export * from "./lib/report.ts";
export * from "./lib/report_trace.ts";
export * from "./lib/report_markdown.ts";
export * from "./lib/report_junit.ts";
export * from "./lib/report_console.ts";
export * from "./lib/compare.ts";
export * from "./lib/test_output.ts";
export * from "./lib/deno_test_process.ts";
export * from "./lib/command_line.ts";
export * from "./lib/kit_args.ts";
export * from "./lib/output_path.ts";
export * from "./lib/kit_runner.ts";
