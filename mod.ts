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

export * from "./lib/platform/platform.ts";
export * from "./lib/helper/protocol.ts";
export * from "./lib/helper/build.ts";
export * from "./lib/helper/helper.ts";
export * from "./lib/sockets/pair.ts";
export * from "./lib/sockets/state.ts";
export * from "./lib/expectations/mod.ts";
export * from "./lib/case/requirements.ts";
export * from "./lib/case/result.ts";
export * from "./lib/wire/segment.ts";
export * from "./lib/wire/tcpdump.ts";
export * from "./lib/wire/tcpdump_text.ts";
export * from "./lib/wire/capture.ts";
export * from "./lib/wire/pair.ts";
export * from "./lib/wire/sequence.ts";
export * from "./lib/wire/render.ts";
export * from "./lib/rst_timing/wire.ts";
export * from "./lib/case/scenario.ts";
export * from "./lib/rst_timing/bound.ts";
export * from "./lib/deadline/within.ts";
export * from "./lib/lock/lock_file.ts";
export * from "./lib/runner/catalog_cache.ts";
export * from "./lib/soak/stats.ts";
export * from "./lib/soak/args.ts";
export * from "./lib/soak/cpu_burner.ts";
export * from "./lib/soak/leak_check.ts";
export * from "./lib/runner/progress.ts";
export * from "./lib/bench/bench.ts";
export * from "./lib/report/environment.ts";
export * from "./lib/report/report.ts";
export * from "./lib/report/trace.ts";
export * from "./lib/report/markdown.ts";
export * from "./lib/report/junit.ts";
export * from "./lib/report/console.ts";
export * from "./lib/report/compare.ts";
export * from "./lib/runner/test_output.ts";
export * from "./lib/runner/deno_test_process.ts";
export * from "./lib/runner/command_line.ts";
export * from "./lib/runner/args.ts";
export * from "./lib/runner/output_path.ts";
export * from "./lib/runner/runner.ts";
