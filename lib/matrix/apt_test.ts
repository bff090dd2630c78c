import { assertEquals, assertThrows } from "@std/assert";
import {
  aptConfig,
  parseAptShow,
  parseKernelRequest,
  resolveKernelPackages,
  SUITES,
} from "./apt.ts";
import { MatrixError } from "./process.ts";

const fixture = (name: string) =>
  Deno.readTextFile(new URL(`../../fixtures/matrix/${name}`, import.meta.url));

function showFrom(text: string) {
  const all = parseAptShow(text);
  return (name: string) => Promise.resolve(all.find((p) => p.name === name));
}

Deno.test("resolveKernelPackages() follows sid's split kernel (binary, modules, base) and skips tools", async () => {
  const show = showFrom(await fixture("apt-show-sid.txt"));
  const packages = await resolveKernelPackages("linux-image-amd64", show);
  assertEquals(packages.map((p) => p.name), [
    "linux-image-amd64",
    "linux-image-7.2.13+deb14-amd64",
    "linux-base-7.2.13+deb14-amd64",
    "linux-binary-7.2.13+deb14-amd64",
    "linux-modules-7.2.13+deb14-amd64",
  ]);
  assertEquals(packages.every((p) => p.version === "7.2.13-1"), true);
});

Deno.test("resolveKernelPackages() resolves bookworm's meta package to one image", async () => {
  const show = showFrom(await fixture("apt-show-bookworm.txt"));
  const packages = await resolveKernelPackages("linux-image-amd64", show);
  assertEquals(packages.map((p) => [p.name, p.version]), [
    ["linux-image-amd64", "6.1.192-3"],
    ["linux-image-6.1.0-57-amd64", "6.1.192-3"],
  ]);
  assertEquals(packages[1].size, 70591024);
});

Deno.test("resolveKernelPackages() rejects a package apt does not have", async () => {
  const show = showFrom(await fixture("apt-show-bookworm.txt"));
  const e = await resolveKernelPackages("linux-image-5.10-amd64", show).then(
    () => undefined,
    (e) => e,
  );
  assertEquals(e instanceof MatrixError, true);
  assertEquals(e.message, "no package linux-image-5.10-amd64");
});

Deno.test("resolveKernelPackages() fails when a kernel part it depends on is missing", async () => {
  const text = (await fixture("apt-show-sid.txt")).split("\n\n")
    .filter((b) => !b.includes("Package: linux-modules-")).join("\n\n");
  const e = await resolveKernelPackages("linux-image-amd64", showFrom(text))
    .then(() => undefined, (e) => e);
  assertEquals(e?.message, "no package linux-modules-7.2.13+deb14-amd64");
});

Deno.test("parseKernelRequest() reads PKG/SUITE and refuses unknown suites and bad names", () => {
  assertEquals(parseKernelRequest("linux-image-rt-amd64/sid"), {
    package: "linux-image-rt-amd64",
    suite: "sid",
  });
  assertThrows(
    () => parseKernelRequest("linux-image-amd64/buster"),
    MatrixError,
    "unknown suite",
  );
  assertThrows(() => parseKernelRequest("../etc/passwd"), MatrixError);
  assertThrows(() => parseKernelRequest("a/b/c"), MatrixError);
});

Deno.test("aptConfig() keeps every apt path inside the private root", () => {
  const { files } = aptConfig(
    "/c/apt/sid",
    SUITES.find((s) => s.name === "sid")!,
    "ana",
  );
  const paths = [...files["apt.conf"].matchAll(/"(\/[^"]*)"/g)].map((m) =>
    m[1]
  );
  assertEquals(paths.length > 0, true);
  assertEquals(paths.filter((p) => !p.startsWith("/c/apt/sid/")), []);
  assertEquals(
    files["etc/sources.list"],
    "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main\n",
  );
  assertEquals(files["apt.conf"].includes('APT::Sandbox::User "ana";'), true);
});
