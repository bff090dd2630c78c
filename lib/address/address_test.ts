import { assertEquals } from "@std/assert";
import { canonicalAddress, parseEndpoint } from "./address.ts";

Deno.test("parseEndpoint() reads IPv4 and bracketed IPv6 endpoints", () => {
  assertEquals(parseEndpoint("127.0.0.1:80"), {
    address: "127.0.0.1",
    port: 80,
  });
  assertEquals(parseEndpoint("[::1]:8080"), { address: "::1", port: 8080 });
});

Deno.test("canonicalAddress() makes equal addresses compare equal", () => {
  assertEquals(canonicalAddress("[::1]"), canonicalAddress("0:0:0:0:0:0:0:1"));
  assertEquals(canonicalAddress("::ffff:127.0.0.1"), "127.0.0.1");
  assertEquals(
    canonicalAddress("fe80::1%lo"),
    "fe80:0000:0000:0000:0000:0000:0000:0001",
  );
});
