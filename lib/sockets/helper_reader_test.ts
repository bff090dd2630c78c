import { assertEquals, assertRejects } from "@std/assert";
import { ensureHelper } from "../helper/build.ts";
import { Helper } from "../helper/helper.ts";
import { helperRowReader } from "./helper_reader.ts";
import { tableRowReader, waitForState } from "./state.ts";

const built = await ensureHelper();
const ignore = !built.available || Deno.build.os !== "linux";
if (!built.available) console.error(`helper_reader tests: ${built.reason}`);

for (const address of ["127.0.0.1", "::1"]) {
  Deno.test({
    name: `helperRowReader() reads what the state table shows (${address})`,
    ignore,
    async fn() {
      await using h = await Helper.start({ name: "state-probe" });
      const read = helperRowReader(h);
      let p;
      try {
        p = await h.pair(address);
      } catch (e) {
        // A machine without IPv6 has no ::1 to listen on.
        if (address === "::1") return console.error(`no ::1: ${e}`);
        throw e;
      }
      await h.expectOk(`write ${p.client.fd} hello`);
      await h.expectOk(`close ${p.client.fd}`);
      // The server reaches CLOSE_WAIT with 5 bytes and the FIN unread; both
      // readers must give the same row.
      const wait = await waitForState(
        p.serverTuple,
        ["CLOSE_WAIT"],
        2000,
        read,
      );
      assertEquals(wait.state, "CLOSE_WAIT");
      const [byHelper, byTable] = [
        await read(p.serverTuple),
        await tableRowReader(p.serverTuple),
      ];
      // Addresses are spelled differently (the table's are expanded).
      const figures = (r: typeof byHelper) =>
        r && { state: r.state, queue: r.receiveQueue, inode: r.inode };
      assertEquals(figures(byHelper), figures(byTable));
      assertEquals(byHelper?.receiveQueue !== undefined, true);
      await h.expectOk(`close ${p.server.fd}`);
      await waitForState(p.clientTuple, ["absent", "TIME_WAIT"], 2000, read);
      await waitForState(p.serverTuple, ["absent"], 2000, read);
      assertEquals(await read(p.serverTuple), undefined);
    },
  });
}

Deno.test({
  name: "helperRowReader() throws with the answer when the helper refuses",
  ignore,
  async fn() {
    await using h = await Helper.start({ name: "state-probe" });
    const read = helperRowReader(h);
    await assertRejects(
      () =>
        read({
          local: { address: "127.0.0.1", port: 1 },
          remote: { address: "::1", port: 2 },
        }),
      Error,
      "mixed-families",
    );
  },
});
