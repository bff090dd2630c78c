/**
 * The matrix command line as a user meets it, without booting anything:
 * help, usage errors (one line, exit 2), and `list`/`clean` on an empty
 * cache folder of the test's own.
 */

import { assert, assertEquals } from "@std/assert";

const SELFTEST = "/tmp/closewait-selftest";

async function matrix(args: string[], cacheDir?: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-P=matrix",
      `--allow-read=.,/proc/cpuinfo,/bin,/usr/bin,/usr/sbin,/sbin,/usr/share/keyrings${
        cacheDir ? `,${cacheDir}` : ""
      }`,
      `--allow-write=./reports${cacheDir ? `,${cacheDir}` : ""}`,
      "scripts/matrix.ts",
      ...args,
    ],
    env: {
      NO_COLOR: "1",
      ...(cacheDir ? { CLOSEWAIT_CACHE_DIR: cacheDir } : {}),
    },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  const stderr = decode(out.stderr).split("\n")
    .filter((l) => l.trim() && !l.includes("experimental feature"));
  return { code: out.code, stdout: decode(out.stdout), stderr };
}

Deno.test("matrix --help shows every command and exits 0", async () => {
  const r = await matrix(["--help"]);
  assertEquals(r.code, 0);
  for (const c of ["fetch", "run", "list", "clean"]) {
    assert(r.stdout.includes(`deno task matrix ${c}`), c);
  }
});

Deno.test("matrix with a bad command or flag: one line, exit 2", async () => {
  for (
    const args of [[], ["boot"], ["run", "--junit", "reports/x.xml"], [
      "fetch",
      "--kernel",
      "linux-image-amd64/woody",
    ]]
  ) {
    const r = await matrix(args);
    assertEquals(r.code, 2, args.join(" "));
    assertEquals(r.stderr.length, 1, r.stderr.join("\n"));
    assert(r.stderr[0].startsWith("error: "), r.stderr[0]);
  }
});

Deno.test("matrix list and clean on an empty cache: nothing to list, nothing to remove", async () => {
  const dir = `${SELFTEST}/matrix-${Deno.pid}`;
  await Deno.mkdir(dir, { recursive: true });
  try {
    const list = await matrix(["list"], dir);
    assertEquals(list.code, 0);
    assert(list.stdout.includes(`kernel cache: ${dir}/kernels`));
    assert(
      list.stdout.includes("no kernels cached; run: deno task matrix fetch"),
    );
    const clean = await matrix(["clean", "6.1"], dir);
    assertEquals(clean.code, 2);
    assert(
      clean.stderr[0].includes("no cached kernel matches"),
      clean.stderr[0],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
