import { assertEquals, assertRejects, assertThrows } from "@std/assert";
import { Helper } from "../helper/helper.ts";
import { ensureHelper } from "../helper/build.ts";
import { socketState } from "../sockets/state.ts";
import {
  configureNetns,
  dropWithoutSyn,
  NETNS_PREFIX,
  NetnsError,
  netnsUnavailable,
} from "./netns.ts";

const why = await netnsUnavailable();
const built = await ensureHelper();
const ignore = why !== undefined || !built.available;
if (why) console.error(`netns tests skipped: ${why.reason}`);
const opts = { sanitizeOps: true, sanitizeResources: true, ignore };

Deno.test("dropWithoutSyn() refuses a value that is not a port", () => {
  assertThrows(() => dropWithoutSyn(0), RangeError);
  assertThrows(() => dropWithoutSyn(65536), RangeError);
  assertThrows(() => dropWithoutSyn(1.5), RangeError);
});

Deno.test({
  name:
    "a helper under NETNS_PREFIX has a loopback of its own that the rules silence",
  ...opts,
  async fn() {
    await using h = await Helper.start({ prefix: NETNS_PREFIX, name: "ns" });
    await configureNetns(h.pid, dropWithoutSyn(40001));
    // A fixed port is free in a fresh namespace, whatever the host runs.
    const l = await h.listen("127.0.0.1", 40000);
    const fd = (await h.expectOk("socket 4")).fields.fd;
    await h.expectOk(`bind ${fd} 127.0.0.1 40001`);
    await h.expectOk(`connect-fd ${fd} 127.0.0.1 40000`);
    const server = await h.accept(l.fd);
    // The handshake went through; the server's data to 40001 is dropped.
    assertEquals((await h.run(`write ${server.fd} hello`)).ret, 5);
    const read = await h.run(`read ${fd} 16 300`);
    assertEquals([read.kind, read.errno], ["fail", "EAGAIN"]);
    // The host's table does not hold the namespace's connection.
    const tuple = {
      local: { address: "127.0.0.1", port: 40001 },
      remote: { address: "127.0.0.1", port: 40000 },
    };
    assertEquals(
      (await h.expectOk(`tcp-info ${fd}`)).fields.state,
      "ESTABLISHED",
    );
    assertEquals(await socketState(tuple), "absent");
  },
});

Deno.test({
  name: "configureNetns() reports a rule nft refuses",
  ...opts,
  async fn() {
    await using h = await Helper.start({ prefix: NETNS_PREFIX, name: "ns" });
    await assertRejects(
      () => configureNetns(h.pid, "table inet x { frobnicate }\n"),
      NetnsError,
      "nft",
    );
  },
});
