import { assertEquals } from "@std/assert";
import {
  compareReleases,
  formatBytes,
  isReleaseName,
  kernelsDir,
} from "./cache.ts";

Deno.test("kernelsDir() is the kernels folder of the user's closewait cache", () => {
  assertEquals(
    kernelsDir("/home/ana/.cache/closewait"),
    "/home/ana/.cache/closewait/kernels",
  );
});

Deno.test("isReleaseName() lets clean remove kernel folders only", () => {
  for (
    const r of [
      "6.1.0-57-amd64",
      "6.12.117+deb12-cloud-amd64",
      "7.2.13+deb14-rt-amd64",
    ]
  ) {
    assertEquals(isReleaseName(r), true, r);
  }
  for (
    const r of ["apt", "deno", "runs", ".lock", "..", "6", "6.1/../../x", ""]
  ) {
    assertEquals(isReleaseName(r), false, r);
  }
});

Deno.test("compareReleases() orders by version numbers", () => {
  assertEquals(
    [
      "7.2.13+deb14-amd64",
      "6.12.117+deb12-amd64",
      "6.1.0-57-amd64",
      "6.1.0-9-amd64",
    ].sort(compareReleases),
    [
      "6.1.0-9-amd64",
      "6.1.0-57-amd64",
      "6.12.117+deb12-amd64",
      "7.2.13+deb14-amd64",
    ],
  );
});

Deno.test("formatBytes() gives three significant figures", () => {
  assertEquals([
    formatBytes(999),
    formatBytes(1500),
    formatBytes(196_500_000),
    formatBytes(2e9),
  ], [
    "999 B",
    "1.5 kB",
    "196.5 MB",
    "2.00 GB",
  ]);
});
