/**
 * The node layer's runtimes: finding Node.js, Deno and Bun, running the
 * `node:net` driver under each, describing what its sockets did, and
 * registering a case's node rows with Node.js as the reference.
 *
 * @example Find a runtime and read one socket's events
 * ```ts ignore
 * import { describeEvents, findRuntime, NodeDriver } from "./mod.ts";
 * const rt = await findRuntime("bun");
 * if ("version" in rt) {
 *   await using node = await NodeDriver.start(rt);
 *   const { server, local } = await node.listen("127.0.0.1");
 *   const client = await node.connect(local);
 *   const accepted = await node.accept(server);
 *   await node.call("end", client);
 *   console.log(describeEvents((await node.wait(accepted, "close")).log));
 * }
 * ```
 *
 * @module
 */

export * from "./runtimes.ts";
export * from "./driver.ts";
export * from "./describe.ts";
export * from "./node_case.ts";
