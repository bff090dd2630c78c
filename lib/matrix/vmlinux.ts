/**
 * The uncompressed kernel (an ELF `vmlinux`) taken out of a Debian
 * `vmlinuz` (a bzImage), so QEMU can boot it straight through its PVH entry
 * point: under TCG a bzImage spends seconds decompressing itself on every
 * boot. The bzImage's setup header says where its compressed payload is
 * (boot protocol 2.08+: `payload_offset`, `payload_length`); the payload
 * ends with the uncompressed size, which checks the result.
 *
 * @module
 */

import { execOk, MatrixError } from "./process.ts";

/** A compression a kernel payload may use, and the tool that undoes it. */
export interface Compression {
  /** Name, as the kernel's config says it (`CONFIG_KERNEL_XZ`). */
  name: string;
  /** Leading bytes of such a stream. */
  magic: number[];
  /** Command that decompresses stdin to stdout. */
  command: string[];
  /** The Debian package of that command. */
  aptPackage: string;
}

/** The payload compressions the matrix can undo. */
export const COMPRESSIONS: readonly Compression[] = [
  {
    name: "xz",
    magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00],
    command: ["xz", "-dc"],
    aptPackage: "xz-utils",
  },
  {
    name: "zstd",
    magic: [0x28, 0xb5, 0x2f, 0xfd],
    command: ["zstd", "-dcq"],
    aptPackage: "zstd",
  },
  {
    name: "gzip",
    magic: [0x1f, 0x8b],
    command: ["gzip", "-dc"],
    aptPackage: "gzip",
  },
  {
    name: "lz4",
    magic: [0x02, 0x21, 0x4c, 0x18],
    command: ["lz4", "-dc"],
    aptPackage: "lz4",
  },
  {
    name: "bzip2",
    magic: [0x42, 0x5a, 0x68],
    command: ["bzip2", "-dc"],
    aptPackage: "bzip2",
  },
  {
    name: "lzma",
    magic: [0x5d, 0x00, 0x00],
    command: ["xz", "--format=lzma", "-dc"],
    aptPackage: "xz-utils",
  },
];

/** A bzImage's compressed kernel. */
export interface Payload {
  /** The compressed stream (without the trailing size). */
  data: Uint8Array;
  /** Its compression. */
  compression: Compression;
  /** The size of the uncompressed kernel, as the image states it. */
  size: number;
}

/**
 * Finds the compressed kernel in a bzImage; throws {@linkcode MatrixError}
 * when the file is not a bzImage of boot protocol 2.08 or later, or its
 * compression is unknown.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { bzImagePayload } from "./vmlinux.ts";
 * const image = new Uint8Array(2048);
 * const view = new DataView(image.buffer);
 * image[0x1f1] = 1; // one setup sector: the kernel starts at 1024
 * image.set([0x48, 0x64, 0x72, 0x53], 0x202); // "HdrS"
 * view.setUint16(0x206, 0x20f, true);
 * view.setUint32(0x248, 16, true); // payload at 1024 + 16
 * view.setUint32(0x24c, 8, true); // 4 bytes of gzip stream + 4 of size
 * image.set([0x1f, 0x8b, 0x08, 0x00], 1040);
 * view.setUint32(1044, 1234, true);
 * const p = bzImagePayload(image);
 * assertEquals([p.compression.name, p.size, p.data.length], ["gzip", 1234, 4]);
 * ```
 */
export function bzImagePayload(image: Uint8Array): Payload {
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  if (image.length < 0x250) throw new MatrixError("not a bzImage: too short");
  const magic = String.fromCharCode(...image.subarray(0x202, 0x206));
  if (magic !== "HdrS") throw new MatrixError("not a bzImage: no HdrS header");
  const protocol = view.getUint16(0x206, true);
  if (protocol < 0x208) {
    throw new MatrixError(
      `bzImage boot protocol ${(protocol >> 8).toString()}.${
        (protocol & 0xff).toString()
      } has no payload fields (needs 2.08+)`,
    );
  }
  const setupSectors = image[0x1f1] || 4;
  const start = (setupSectors + 1) * 512 + view.getUint32(0x248, true);
  const length = view.getUint32(0x24c, true);
  if (length < 8 || start + length > image.length) {
    throw new MatrixError("bzImage payload lies outside the file");
  }
  const payload = image.subarray(start, start + length);
  const compression = COMPRESSIONS.find((c) =>
    c.magic.every((b, i) => payload[i] === b)
  );
  if (!compression) {
    throw new MatrixError(
      `bzImage payload has an unknown compression (starts ${
        [...payload.subarray(0, 6)].map((b) => b.toString(16).padStart(2, "0"))
          .join(" ")
      })`,
    );
  }
  const size = new DataView(
    payload.buffer,
    payload.byteOffset + length - 4,
    4,
  ).getUint32(0, true);
  return { data: payload.subarray(0, length - 4), compression, size };
}

/**
 * Decompresses a bzImage's kernel; checks it is an ELF of the size the
 * image states.
 *
 * @example
 * ```ts ignore
 * import { extractVmlinux } from "./vmlinux.ts";
 * const { vmlinux, compression } = await extractVmlinux(await Deno.readFile("vmlinuz"));
 * ```
 */
export async function extractVmlinux(
  image: Uint8Array,
  signal?: AbortSignal,
): Promise<{ vmlinux: Uint8Array; compression: string }> {
  const p = bzImagePayload(image);
  const [cmd, ...args] = p.compression.command;
  const out = await execOk(cmd, args, {
    stdin: p.data,
    timeoutMs: 120_000,
    signal,
  });
  const elf = out[0] === 0x7f && out[1] === 0x45 && out[2] === 0x4c &&
    out[3] === 0x46;
  if (!elf || out.length !== p.size) {
    throw new MatrixError(
      `the kernel in the bzImage did not decompress to an ELF of ${p.size} bytes (${p.compression.name}: ${out.length} bytes${
        elf ? "" : ", not ELF"
      })`,
    );
  }
  return { vmlinux: out, compression: p.compression.name };
}
