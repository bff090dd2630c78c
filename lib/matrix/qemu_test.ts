import { assert, assertEquals } from "@std/assert";
import { chooseAccelerator, qemuArgs, virtiofsdArgs } from "./qemu.ts";

Deno.test("chooseAccelerator() wants both a writable /dev/kvm and vmx or svm", () => {
  const cpu = (flags: string) => `processor : 0\nflags\t\t: ${flags}\n`;
  assertEquals(chooseAccelerator(cpu("fpu vme vmx"), true).name, "kvm");
  assertEquals(chooseAccelerator(cpu("fpu svm lm"), true).name, "kvm");
  // kvm-pvm: /dev/kvm without hardware virtualisation.
  assertEquals(chooseAccelerator(cpu("fpu sse2 hypervisor"), true).name, "tcg");
  assertEquals(chooseAccelerator(cpu("fpu vmx"), false).name, "tcg");
  // "vmx" inside another flag's name does not count.
  assertEquals(chooseAccelerator(cpu("fpu vmxfoo"), true).name, "tcg");
});

Deno.test("qemuArgs() gives a guest no network device and the host's root read-only", () => {
  const args = qemuArgs({
    kernel: "/c/k/vmlinux",
    initrd: "/c/k/initrd.cpio",
    outDir: "/c/runs/1/k",
    fs: "9p",
    accel: "tcg",
    memoryMiB: 768,
  });
  const after = (flag: string) => args[args.indexOf(flag) + 1];
  assertEquals(after("-nic"), "none");
  assert(args.includes("-nodefaults"));
  assertEquals(after("-m"), "768");
  assertEquals(after("-accel"), "tcg,thread=multi,tb-size=256");
  const shares = args.filter((_, i) => args[i - 1] === "-virtfs");
  assertEquals(shares, [
    "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap",
    "local,path=/c/runs/1/k,mount_tag=kmout,security_model=none",
  ]);
  assertEquals(args.filter((a) => /netdev|user,|hostfwd|tap/.test(a)), []);
});

Deno.test("qemuArgs() shares over virtiofs with shared memory and one socket per tag; KVM uses the host CPU", () => {
  const args = qemuArgs({
    kernel: "k",
    initrd: "i",
    outDir: "/o,dd",
    fs: "virtiofs",
    accel: "kvm",
    memoryMiB: 1024,
    sockets: { hostroot: "/r/h.sock", kmout: "/r/o,x.sock" },
  });
  assert(args.includes("memory-backend-memfd,id=mem,size=1024M,share=on"));
  assert(args.includes("socket,id=hostroot,path=/r/h.sock"));
  assert(args.includes("socket,id=kmout,path=/r/o,,x.sock"));
  assert(args.includes("vhost-user-fs-pci,chardev=kmout,tag=kmout"));
  assertEquals(args.slice(0, 4), ["-accel", "kvm", "-cpu", "host"]);
  assertEquals(args.includes("-virtfs"), false);
});

Deno.test("virtiofsdArgs() escapes commas in the shared folder", () => {
  assertEquals(
    virtiofsdArgs("/s", "/a,b")[2],
    "source=/a,,b,sandbox=chroot,cache=auto",
  );
});
