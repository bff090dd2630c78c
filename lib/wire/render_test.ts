import { assertEquals } from "@std/assert";
import { connectionsOf, parseTcpdumpText } from "./tcpdump_text.ts";
import { renderSegment, renderSegments } from "./render.ts";

Deno.test("renderSegments() draws a recorded capture as aligned tcpdump-style lines", async () => {
  const [c] = connectionsOf(parseTcpdumpText(
    await Deno.readTextFile(
      new URL(
        "../../fixtures/captures/tcp-write-after-peer-close.ipv4.txt",
        import.meta.url,
      ),
    ),
  ));
  assertEquals(
    renderSegments(c.segments),
    [
      "0.000 ms client > server [S]  seq 0 len 0",
      "0.009 ms server > client [S.] seq 0 ack 1 len 0",
      "0.020 ms client > server [.]  seq 1 ack 1 len 0",
      "1.248 ms client > server [F.] seq 1 ack 1 len 0",
      "1.740 ms server > client [P.] seq 1:4 ack 2 len 3",
      "1.749 ms client > server [R]  seq 2 len 0",
    ].join("\n"),
  );
});

Deno.test("renderSegment() pads the time column to the given width", () => {
  assertEquals(
    renderSegment(
      { t: 5, from: "client", flags: "R.", seq: 2, ack: 4, len: 0 },
      7,
    ),
    "  5.000 ms client > server [R.] seq 2 ack 4 len 0",
  );
});

Deno.test("renderSegments() of no segments is empty", () => {
  assertEquals(renderSegments([]), "");
});
