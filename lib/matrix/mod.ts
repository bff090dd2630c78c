/**
 * The local kernel matrix behind `deno task matrix`: Debian kernel packages
 * fetched through a private apt configuration (`apt.ts`), each prepared
 * into an uncompressed `vmlinux` (`vmlinux.ts`) and a small initramfs
 * (`initramfs.ts`) kept in the user's cache folder (`cache.ts`,
 * `prepare.ts`); the kit run in one QEMU guest per kernel (`qemu.ts`,
 * `guest.ts`) with only loopback networking; the reports merged into one
 * cases × kernels matrix with `compare` (`merge.ts`).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { chooseAccelerator, parseKernelRequest } from "./mod.ts";
 * assertEquals(parseKernelRequest("linux-image-cloud-amd64/sid").suite, "sid");
 * assertEquals(chooseAccelerator("flags : fpu sse2", true).name, "tcg");
 * ```
 *
 * @module
 */

export * from "./apt.ts";
export * from "./args.ts";
export * from "./cache.ts";
export * from "./facts.ts";
export * from "./guest.ts";
export * from "./initramfs.ts";
export * from "./merge.ts";
export * from "./prepare.ts";
export * from "./process.ts";
export * from "./qemu.ts";
export * from "./tools.ts";
export * from "./vmlinux.ts";
