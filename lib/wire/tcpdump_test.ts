import { assertEquals } from "@std/assert";
import {
  tcpdumpCommand,
  TcpdumpProcess,
  tcpdumpUnavailable,
} from "./tcpdump.ts";

Deno.test("tcpdumpCommand() keeps tcpdump in the caller's process group under timeout", () => {
  // --foreground: timeout does not make a group of its own, so the kit can
  // end the test process's whole group, captures included.
  assertEquals(tcpdumpCommand(["-i", "lo"], "tcpdump", 7), [
    "timeout",
    ["--foreground", "--kill-after=2", "7", "tcpdump", "-i", "lo"],
  ]);
  assertEquals(tcpdumpCommand(["-i", "lo"], "tcpdump"), ["tcpdump", [
    "-i",
    "lo",
  ]]);
});

Deno.test({
  name:
    "tcpdumpUnavailable() probes with a lifetime, so an orphaned probe ends",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const lifetimes: (number | undefined)[] = [];
    await tcpdumpUnavailable(3000, (args, command, lifetimeS) => {
      lifetimes.push(lifetimeS);
      return TcpdumpProcess.spawn(args, command, lifetimeS);
    });
    assertEquals(lifetimes.length, 1);
    assertEquals(typeof lifetimes[0], "number");
    assertEquals(lifetimes[0]! >= 3 && lifetimes[0]! <= 10, true);
  },
});

Deno.test({
  name:
    "tcpdumpUnavailable() sorts a tcpdump it cannot start as absent or not permitted, never broken",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const why = await tcpdumpUnavailable(
      3000,
      (args, _command, lifetimeS) =>
        TcpdumpProcess.spawn(args, "closewait-no-such-tcpdump", lifetimeS),
    );
    // Outside the run permissions Deno refuses it (not permitted); with
    // --allow-run it is not found (absent). Either way a skip, not a defect.
    assertEquals(
      ["absent", "not-permitted"].includes(why?.kind ?? "none"),
      true,
      JSON.stringify(why),
    );
  },
});
