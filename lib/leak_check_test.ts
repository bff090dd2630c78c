import { assertEquals } from "@std/assert";
import { Helper } from "./helper.ts";
import { ensureHelper } from "./helper_build.ts";
import { findLeftovers, loopbackConnections, parsePs } from "./leak_check.ts";

Deno.test("parsePs() keeps only the kit's processes", () => {
  assertEquals(parsePs("1 systemd\n2 closewait-helpe\n3 tcpdumpx\n"), [{
    pid: 2,
    name: "closewait-helpe",
  }]);
});

const built = await ensureHelper();

Deno.test({
  name: "findLeftovers() sees a helper left running and its open connection",
  ignore: !built.available,
  sanitizeOps: true,
  sanitizeResources: true,
  async fn() {
    const before = await loopbackConnections();
    await using h = await Helper.start();
    const pair = await h.pair();
    const during = await findLeftovers(before);
    assertEquals(
      during.processes.some((p) => p.name.startsWith("closewait-helpe")),
      true,
    );
    assertEquals(
      during.connections.filter((c) => c.local.port === pair.client.local.port)
        .map((c) => c.state),
      ["ESTABLISHED"],
    );
    await h.expectOk(`close ${pair.server.fd}`);
    await h.expectOk(`close ${pair.client.fd}`);
    await h.expectOk("exit 0");
    await h.exited();
    const after = await findLeftovers(before);
    // The closer of the two (the server here) keeps TIME_WAIT: allowed.
    assertEquals(
      after.connections.filter((c) => c.local.port === pair.client.local.port),
      [],
    );
  },
});
