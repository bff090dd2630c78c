import { assertEquals, assertThrows } from "@std/assert";
import { UsageError } from "../runner/mod.ts";
import { parseMatrixArgs, pickKernels } from "./args.ts";
import { DEFAULT_KERNELS } from "./apt.ts";

Deno.test("parseMatrixArgs() fetch: the defaults, plus each --kernel, repeated or comma-separated", () => {
  const plain = parseMatrixArgs(["fetch"]);
  assertEquals(plain.command === "fetch" && plain.requests, [
    ...DEFAULT_KERNELS,
  ]);
  const more = parseMatrixArgs([
    "fetch",
    "--kernel",
    "linux-image-cloud-amd64",
    "--kernel=linux-image-rt-amd64/sid,linux-image-amd64/sid",
  ]);
  assertEquals(
    more.command === "fetch" &&
      more.requests.map((r) => `${r.package}/${r.suite}`),
    [
      "linux-image-amd64/bookworm",
      "linux-image-6.12-amd64/bookworm",
      "linux-image-amd64/sid",
      "linux-image-cloud-amd64/bookworm",
      "linux-image-rt-amd64/sid",
    ],
  );
  const only = parseMatrixArgs([
    "fetch",
    "--only",
    "--kernel",
    "linux-image-amd64/sid",
    "--jobs",
    "1",
  ]);
  assertEquals(only.command === "fetch" && [only.requests.length, only.jobs], [
    1,
    1,
  ]);
});

Deno.test("parseMatrixArgs() run: its own flags, the rest to the kit", () => {
  const r = parseMatrixArgs([
    "run",
    "--layer",
    "syscall",
    "--jobs=3",
    "--kernel",
    "6.12",
    "--timeout",
    "90",
    "--json",
    "reports/m.json",
    "--filter",
    "tcp-fin-reads-zero",
  ]);
  assertEquals(r.command === "run" && r, {
    command: "run",
    kernels: ["6.12"],
    jobs: 3,
    timeoutMs: 90_000,
    memoryMiB: 1024,
    json: "reports/m.json",
    kitArgs: ["--layer", "syscall", "--filter", "tcp-fin-reads-zero"],
  });
});

Deno.test("parseMatrixArgs() refuses what makes no sense, with a usage error", () => {
  const bad: string[][] = [
    [],
    ["boot"],
    ["run", "--junit", "reports/j.xml"],
    ["run", "--list"],
    ["run", "--layer", "kernel"],
    ["run", "--jobs", "0"],
    ["run", "--timeout", "ten"],
    ["run", "--colour"],
    ["fetch", "--kernel", "linux-image-amd64/buster"],
    ["fetch", "--kernel"],
    ["fetch", "--only"],
    ["list", "extra"],
  ];
  for (const args of bad) {
    assertThrows(
      () => parseMatrixArgs(args),
      UsageError,
      undefined,
      args.join(" "),
    );
  }
  assertEquals(parseMatrixArgs(["run", "--help"]).command, "help");
});

Deno.test("pickKernels() reads 6.1 as 6.1.x, never 6.12", () => {
  const all = [
    "6.1.0-57-amd64",
    "6.1.0-57-cloud-amd64",
    "6.12.117+deb12-amd64",
    "7.2.13+deb14-amd64",
  ];
  assertEquals(pickKernels(all, []), all);
  assertEquals(pickKernels(all, ["6.1"]), [
    "6.1.0-57-amd64",
    "6.1.0-57-cloud-amd64",
  ]);
  assertEquals(pickKernels(all, ["6.1.0-57-amd64"]), ["6.1.0-57-amd64"]);
  assertEquals(pickKernels(all, ["7", "6.12"]), [
    "7.2.13+deb14-amd64",
    "6.12.117+deb12-amd64",
  ]);
  assertThrows(
    () => pickKernels(all, ["6.2"]),
    UsageError,
    "no cached kernel matches",
  );
});
