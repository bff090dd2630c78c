/**
 * The QEMU command line of a matrix guest: the prepared `vmlinux` booted
 * through its PVH entry with the small initramfs, one CPU, no network
 * device at all (the guest has its loopback only), the serial console on
 * stdout, and two shares of the host: `hostroot` (`/`, read-only) and
 * `kmout` (the run's result folder) over 9p, or over virtiofs (one
 * `virtiofsd` per share) for kernels without 9p.
 *
 * KVM is used only where it really works: `/dev/kvm` writable and the CPU
 * listing `vmx` or `svm`. A nested hypervisor may offer `/dev/kvm` without
 * them (e.g. kvm-pvm), where Debian's kernels do not boot; TCG then.
 *
 * @module
 */

import type { ShareFs } from "./initramfs.ts";

/** How guests are run. */
export interface Accelerator {
  /** `kvm` or `tcg`. */
  name: "kvm" | "tcg";
  /** Why (shown in the header). */
  reason: string;
}

/**
 * Chooses KVM or TCG from `/proc/cpuinfo` and whether `/dev/kvm` could be
 * opened for writing.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { chooseAccelerator } from "./qemu.ts";
 * assertEquals(chooseAccelerator("flags : fpu vmx sse2", true).name, "kvm");
 * assertEquals(chooseAccelerator("flags : fpu sse2", true).reason, "TCG: /dev/kvm is there but the CPU lists neither vmx nor svm");
 * assertEquals(chooseAccelerator("flags : fpu svm", false).name, "tcg");
 * ```
 */
export function chooseAccelerator(
  cpuinfo: string,
  kvmWritable: boolean,
): Accelerator {
  const virt = /^flags\s*:.*\b(vmx|svm)\b/m.exec(cpuinfo)?.[1];
  if (kvmWritable && virt) {
    return { name: "kvm", reason: `KVM (/dev/kvm writable, CPU has ${virt})` };
  }
  if (!kvmWritable) {
    return { name: "tcg", reason: "TCG: no writable /dev/kvm" };
  }
  return {
    name: "tcg",
    reason: "TCG: /dev/kvm is there but the CPU lists neither vmx nor svm",
  };
}

/** Probes this machine for {@linkcode chooseAccelerator}. */
export async function detectAccelerator(): Promise<Accelerator> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  let writable = false;
  try {
    (await Deno.open("/dev/kvm", { read: true, write: true })).close();
    writable = true;
  } catch { /* absent or not ours */ }
  return chooseAccelerator(cpuinfo, writable);
}

/** One guest's machine. */
export interface QemuOptions {
  /** The prepared kernel's `vmlinux`. */
  kernel: string;
  /** Its initramfs (or the run's copy of it). */
  initrd: string;
  /** The run's result folder (shared writable as `kmout`). */
  outDir: string;
  /** How the guest reaches the host. */
  fs: ShareFs;
  /** KVM or TCG. */
  accel: Accelerator["name"];
  /** Guest memory (MiB). */
  memoryMiB: number;
  /** virtiofsd sockets by tag (virtiofs only). */
  sockets?: { hostroot: string; kmout: string };
}

/** Escapes a value inside a QEMU `-opt key=value,...` list (`,` → `,,`). */
export function qemuValue(s: string): string {
  return s.replaceAll(",", ",,");
}

/**
 * The arguments of `qemu-system-x86_64` for a guest.
 *
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { qemuArgs } from "./qemu.ts";
 * const args = qemuArgs({ kernel: "/k/vmlinux", initrd: "/k/initrd.cpio", outDir: "/r/o", fs: "9p", accel: "tcg", memoryMiB: 1024 });
 * assert(args.includes("-nic") && args[args.indexOf("-nic") + 1] === "none");
 * assert(args.includes("local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"));
 * ```
 */
export function qemuArgs(o: QemuOptions): string[] {
  const accel = o.accel === "kvm"
    ? ["-accel", "kvm", "-cpu", "host"]
    : ["-accel", "tcg,thread=multi,tb-size=256"];
  const shares = o.fs === "9p"
    ? [
      "-virtfs",
      "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap",
      "-virtfs",
      `local,path=${qemuValue(o.outDir)},mount_tag=kmout,security_model=none`,
    ]
    : [
      "-object",
      `memory-backend-memfd,id=mem,size=${o.memoryMiB}M,share=on`,
      "-numa",
      "node,memdev=mem",
      ...(["hostroot", "kmout"] as const).flatMap((tag) => [
        "-chardev",
        `socket,id=${tag},path=${qemuValue(o.sockets![tag])}`,
        "-device",
        `vhost-user-fs-pci,chardev=${tag},tag=${tag}`,
      ]),
    ];
  return [
    ...accel,
    "-m",
    String(o.memoryMiB),
    "-smp",
    "1",
    "-nodefaults",
    "-no-user-config",
    "-display",
    "none",
    "-no-reboot",
    "-nic",
    "none",
    "-serial",
    "stdio",
    "-monitor",
    "none",
    "-kernel",
    o.kernel,
    "-initrd",
    o.initrd,
    "-append",
    "console=ttyS0 panic=-1 quiet loglevel=3",
    ...shares,
  ];
}

/**
 * The arguments of `virtiofsd` (the C one in QEMU 7) sharing `dir` on
 * `socket`. The `chroot` sandbox is required for `/` (`namespace` fails
 * with pivot_root: EBUSY); read-only comes from the guest's `ro` mount.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { virtiofsdArgs } from "./qemu.ts";
 * assertEquals(virtiofsdArgs("/r/h.sock", "/"), ["--socket-path=/r/h.sock", "-o", "source=/,sandbox=chroot,cache=auto"]);
 * ```
 */
export function virtiofsdArgs(socket: string, dir: string): string[] {
  return [
    `--socket-path=${socket}`,
    "-o",
    `source=${qemuValue(dir)},sandbox=chroot,cache=auto`,
  ];
}
