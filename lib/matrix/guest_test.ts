import { assert, assertEquals } from "@std/assert";
import {
  guestScript,
  hostPacketdrill,
  overlayPaths,
  taskCommandLine,
} from "./guest.ts";

const command = {
  cwd: "/home/ana/closewait",
  deno: "/home/ana/closewait/node_modules/deno/deno",
  denoDir: "/home/ana/.cache/closewait/kernels/deno",
  kitArgs: ["--filter", "/^tcp-fin/", "--layer", "syscall"],
  kitTask:
    'CLOSEWAIT_CACHE_DIR="$PWD/node_modules/.cache/closewait" DENO_NO_UPDATE_CHECK=1 deno run -P=kit scripts/kit.ts',
};

Deno.test("guestScript() runs the kit task with sh, its arguments quoted, in an empty environment of its own", () => {
  const s = guestScript(command);
  assert(s.includes(
    `CLOSEWAIT_CACHE_DIR="$PWD/node_modules/.cache/closewait" DENO_NO_UPDATE_CHECK=1 '/home/ana/closewait/node_modules/deno/deno' run -P=kit scripts/kit.ts --json reports/.matrix-guest.json '--filter' '/^tcp-fin/' '--layer' 'syscall'`,
  ));
  assert(
    s.includes("export DENO_DIR='/home/ana/.cache/closewait/kernels/deno'"),
  );
  assert(s.includes("cd '/home/ana/closewait' || exit 97"));
  assert(s.indexOf("facts.ts") < s.indexOf("scripts/kit.ts"));
  assert(s.trimEnd().endsWith("exit $rc"));
});

Deno.test("guestScript() quotes a path with a quote in it", () => {
  const s = guestScript({ ...command, cwd: "/w/it's" });
  assert(s.includes(`cd '/w/it'\\''s' || exit 97`));
});

Deno.test("overlayPaths() overlays the checkout and Deno's cache once, nested folders not again", () => {
  assertEquals(overlayPaths(command), [
    "/home/ana/.cache/closewait/kernels/deno",
    "/home/ana/closewait",
  ]);
  // A Deno under /tmp stays visible in the guest (which covers /tmp with a tmpfs).
  assertEquals(overlayPaths({ ...command, deno: "/tmp/deno-x/deno" }), [
    "/home/ana/.cache/closewait/kernels/deno",
    "/home/ana/closewait",
    "/tmp/deno-x",
  ]);
});

Deno.test("taskCommandLine() replaces only the deno command, not a word containing deno", () => {
  assertEquals(
    taskCommandLine("DENO_X=1 deno run -P=kit scripts/deno.ts", "/d"),
    "DENO_X=1 '/d' run -P=kit scripts/deno.ts",
  );
});

Deno.test("guestScript() hands the host's packetdrill to the guest's kit, and nothing when the host has none", () => {
  assert(
    guestScript({ ...command, packetdrill: "/root/.cache/closewait/pd x" })
      .includes("export CLOSEWAIT_PACKETDRILL='/root/.cache/closewait/pd x'"),
  );
  assert(!guestScript(command).includes("CLOSEWAIT_PACKETDRILL"));
  assert(
    guestScript({ ...command, packetdrillSkip: "TCG is too slow" })
      .includes("export CLOSEWAIT_PACKETDRILL_SKIP='TCG is too slow'"),
  );
});

Deno.test("hostPacketdrill() takes the one named, else the first cache folder with an executable packetdrill", async () => {
  await Deno.mkdir("./reports/.selftest", { recursive: true });
  const dir = await Deno.makeTempDir({ dir: "./reports/.selftest" });
  try {
    const [a, b, c] = ["a", "b", "c"].map((n) => `${dir}/${n}`);
    await Deno.mkdir(`${a}/packetdrill`, { recursive: true });
    await Deno.writeTextFile(`${a}/packetdrill/packetdrill`, "not executable");
    for (const d of [b, c]) {
      await Deno.mkdir(`${d}/packetdrill`, { recursive: true });
      await Deno.writeTextFile(`${d}/packetdrill/packetdrill`, "#!/bin/sh\n", {
        mode: 0o755,
      });
    }
    assertEquals(
      await hostPacketdrill([`${dir}/none`, a, b, c], undefined),
      `${b}/packetdrill/packetdrill`,
    );
    assertEquals(await hostPacketdrill([a], undefined), undefined);
    assertEquals(await hostPacketdrill([b], "/opt/pd"), "/opt/pd");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
