import { assertEquals } from "@std/assert";
import {
  chooseShareFs,
  initramfsEntries,
  initScript,
  isStaticElf,
  moduleLoadOrder,
} from "./initramfs.ts";

// A dependency graph shaped like Debian 6.1's, where virtio_pci and 9p are modules:
// virtio_pci needs the virtio core, 9p needs netfs and fscache.
const DEPS_6_1: Record<string, string[]> = {
  virtio_pci: [
    "virtio_pci_modern_dev",
    "virtio_pci_legacy_dev",
    "virtio",
    "virtio_ring",
  ],
  virtio_pci_modern_dev: [],
  virtio_pci_legacy_dev: [],
  virtio: [],
  virtio_ring: [],
  "9pnet_virtio": ["9pnet", "virtio_ring", "virtio"],
  "9pnet": [],
  "9p": ["9pnet", "netfs", "fscache"],
  netfs: [],
  fscache: ["netfs"],
  overlay: [],
};

Deno.test("moduleLoadOrder() puts every dependency before its user, once", async () => {
  const files = new Map(Object.keys(DEPS_6_1).map((n) => [n, `${n}.ko`]));
  const { load, missing } = await moduleLoadOrder(
    ["virtio_pci", "9pnet_virtio", "9p", "overlay"],
    { files, builtin: new Set() },
    (n) => Promise.resolve(DEPS_6_1[n]),
  );
  assertEquals(missing, []);
  assertEquals(new Set(load).size, load.length);
  for (const [mod, deps] of Object.entries(DEPS_6_1)) {
    for (const d of deps) {
      assertEquals(
        load.indexOf(d) < load.indexOf(mod),
        true,
        `${d} before ${mod}`,
      );
    }
  }
  assertEquals(load.at(-1), "overlay");
});

Deno.test("moduleLoadOrder() leaves built-in modules out and reports absent ones", async () => {
  const files = new Map([["9p", "9p.ko"], ["9pnet", "9pnet.ko"]]);
  const { load, missing } = await moduleLoadOrder(
    ["virtio_pci", "9p", "overlay"],
    { files, builtin: new Set(["virtio_pci"]) },
    (n) => Promise.resolve(n === "9p" ? ["9pnet"] : []),
  );
  assertEquals(load, ["9pnet", "9p"]);
  assertEquals(missing, ["overlay"]);
});

Deno.test("chooseShareFs() takes virtiofs for a kernel without 9p (the -cloud flavour)", () => {
  assertEquals(
    chooseShareFs({
      files: new Map([["virtiofs", "v.ko"]]),
      builtin: new Set(["virtio_pci"]),
    }),
    "virtiofs",
  );
  assertEquals(
    chooseShareFs({ files: new Map([["9p", "a"]]), builtin: new Set() }),
    undefined,
  );
});

Deno.test("initramfsEntries() lists init, busybox and each module under its name", () => {
  const entries = initramfsEntries({
    fs: "virtiofs",
    modules: ["fuse", "virtiofs", "overlay"],
    busybox: "/bin/busybox",
    moduleDir: "/w/mods",
  });
  assertEquals(
    entries.map((
      e,
    ) => [e.path, "file" in e.from ? e.from.file : "text", e.mode]),
    [
      ["init", "text", 0o755],
      ["bin/busybox", "/bin/busybox", 0o755],
      ["lib/modules/fuse.ko", "/w/mods/fuse.ko", 0o644],
      ["lib/modules/virtiofs.ko", "/w/mods/virtiofs.ko", 0o644],
      ["lib/modules/overlay.ko", "/w/mods/overlay.ko", 0o644],
    ],
  );
});

Deno.test("initScript() mounts the host read-only, its result folder writable, and brings lo up before the command", () => {
  const s = initScript({ fs: "virtiofs", modules: ["fuse", "virtiofs"] });
  const at = (text: string) => {
    const i = s.indexOf(text);
    assertEquals(i >= 0, true, `missing: ${text}`);
    return i;
  };
  at("mount -t virtiofs -o ro hostroot /newroot");
  at("mount -t virtiofs kmout /out ");
  assertEquals(
    at("insmod /lib/modules/fuse.ko") < at("insmod /lib/modules/virtiofs.ko"),
    true,
  );
  assertEquals(at("ifconfig lo 127.0.0.1 up") < at("KM_READY"), true);
  assertEquals(
    at("KM_READY") < at("chroot /newroot /bin/sh /run/km-out/cmd.sh"),
    true,
  );
  assertEquals(at("/out/rc") < at("KM_DONE"), true);
  // No network device is configured besides lo.
  assertEquals(/\b(eth0|udhcpc|ip route)\b/.test(s), false);
});

Deno.test("isStaticElf() tells the static busybox from a dynamic executable", async () => {
  // /bin/sh on Debian is dash, always dynamically linked.
  const sh = await Deno.readFile("/bin/sh").catch(() => undefined);
  if (sh) assertEquals(isStaticElf(sh), false);
  const elf = new Uint8Array(128);
  elf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1]);
  const v = new DataView(elf.buffer);
  v.setBigUint64(0x20, 64n, true); // program headers at 64
  v.setUint16(0x36, 56, true);
  v.setUint16(0x38, 1, true);
  v.setUint32(64, 1, true); // PT_LOAD only
  assertEquals(isStaticElf(elf), true);
  v.setUint32(64, 3, true); // PT_INTERP
  assertEquals(isStaticElf(elf), false);
  assertEquals(isStaticElf(new TextEncoder().encode("#!/bin/sh\n")), false);
});
