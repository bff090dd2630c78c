import { assertEquals } from "@std/assert";
import { encodeProbed, parseProbed, probedOr } from "./probed.ts";

Deno.test("parseProbed() keeps well-formed answers and drops the rest", () => {
  assertEquals(
    parseProbed(
      JSON.stringify({
        tcpdump: { kind: "not-permitted", reason: "CAP_NET_RAW" },
        ipv6: null,
        helper: { kind: "weird", reason: "x" },
        linux: { kind: "absent" },
        posix: [],
      }),
    ),
    { tcpdump: { kind: "not-permitted", reason: "CAP_NET_RAW" }, ipv6: null },
  );
  assertEquals(parseProbed(undefined), {});
  assertEquals(parseProbed("[1]"), {});
  assertEquals(parseProbed("{"), {});
});

Deno.test("probedOr() answers from the run when it probed, and probes otherwise", async () => {
  let probes = 0;
  const probe = () => {
    probes++;
    return Promise.resolve({ kind: "absent" as const, reason: "probed here" });
  };
  const answers = parseProbed(encodeProbed({ tcpdump: null }));
  assertEquals(await probedOr("tcpdump", probe, answers), undefined);
  assertEquals(probes, 0);
  assertEquals(await probedOr("ipv6", probe, answers), {
    kind: "absent",
    reason: "probed here",
  });
  assertEquals(probes, 1);
});
