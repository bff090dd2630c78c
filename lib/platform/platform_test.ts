import { assert, assertEquals, assertThrows } from "@std/assert";
import { compareReleases, currentPlatform, parseRelease } from "./platform.ts";

Deno.test("parseRelease() keeps the numeric prefix of a release", () => {
  assertEquals(parseRelease("6.12.117+deb12-amd64"), [6, 12, 117]);
  assertEquals(parseRelease("6.18.44-fc-v769"), [6, 18, 44]);
  assertEquals(parseRelease("10.0.22631"), [10, 0, 22631]);
  assertThrows(() => parseRelease("unknown"), RangeError);
});

Deno.test("compareReleases() orders releases part by part", () => {
  assert(compareReleases("6.1.0-56-amd64", "6.12") < 0);
  assert(compareReleases("6.12.117", "6.12") > 0);
  assertEquals(compareReleases("6.12.0", "6.12"), 0);
});

Deno.test("currentPlatform() names this OS and kernel", () => {
  const p = currentPlatform();
  assertEquals(p.os, Deno.build.os);
  assertEquals(p.kernel, Deno.osRelease());
});
