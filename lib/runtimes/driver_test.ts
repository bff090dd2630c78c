import { assert, assertEquals, assertRejects } from "@std/assert";
import { NodeDriver, NodeDriverError } from "./driver.ts";
import { describeErrors, describeEvents } from "./describe.ts";
import { type Runtime, scriptArgs } from "./runtimes.ts";

/** The Deno running the tests, as a node-layer runtime. */
const deno: Runtime = {
  name: "deno",
  command: Deno.execPath(),
  args: scriptArgs("deno"),
  version: Deno.version.deno,
  origin: "test",
};

const fixture = (name: string) =>
  new URL(`./testdata/${name}`, import.meta.url).pathname;

Deno.test("NodeDriver.start() greets, and a peer's end() is 'end' then 'close'", async () => {
  await using node = await NodeDriver.start(deno);
  assertEquals(node.versions.deno, Deno.version.deno);
  const { server, local } = await node.listen("127.0.0.1");
  const client = await node.connect(local);
  const accepted = await node.accept(server);
  await node.closeServer(server);
  await node.call("end", client);
  const closed = await node.wait(accepted, "close");
  assert(closed.found);
  assertEquals(describeEvents(closed.log), "end, finish, close");
  assertEquals(describeErrors(closed.log), "none");
  await node.call("destroy", client);
});

Deno.test("NodeDriver.start() kills a driver that never greets", async () => {
  const started = performance.now();
  const e = await assertRejects(
    () =>
      NodeDriver.start(deno, { script: fixture("hangs.mjs"), timeoutMs: 3000 }),
    NodeDriverError,
  );
  assert(
    e.message.includes("no answer to the greeting within 3000 ms; killed"),
    e.message,
  );
  assert(performance.now() - started < 10_000);
});

Deno.test("NodeDriver.start() fails on garbage and shows what was printed", async () => {
  const e = await assertRejects(
    () => NodeDriver.start(deno, { script: fixture("garbage.mjs") }),
    NodeDriverError,
  );
  assert(e.message.includes("printed garbage"), e.message);
  assert(e.message.includes("just garbage"), e.message);
});

Deno.test("NodeDriver.send() reports a driver that dies, with its exit and stderr", async () => {
  await using node = await NodeDriver.start(deno, {
    script: fixture("crashes.mjs"),
  });
  const e = await assertRejects(
    () => node.send("log", { sock: "c1" }),
    NodeDriverError,
  );
  assert(e.message.includes("exit code 3"), e.message);
  assert(e.message.includes("stderr: boom"), e.message);
  assertEquals(node.exitStatus?.code, 3);
});

Deno.test("NodeDriver.send() turns a protocol error into a NodeDriverError", async () => {
  await using node = await NodeDriver.start(deno);
  const e = await assertRejects(
    () => node.send("log", { sock: "nope" }),
    NodeDriverError,
  );
  assert(
    e.message.includes('no socket \\"nope\\"') ||
      e.message.includes('no socket "nope"'),
    e.message,
  );
});
