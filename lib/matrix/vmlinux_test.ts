import { assertEquals, assertThrows } from "@std/assert";
import { bzImagePayload } from "./vmlinux.ts";
import { MatrixError } from "./process.ts";

/** A bzImage-shaped buffer: `setup` sectors, protocol, payload bytes + size. */
function bzImage(opts: {
  setupSectors: number;
  protocol: number;
  payload: number[];
  size: number;
}): Uint8Array {
  const start = (opts.setupSectors + 1) * 512;
  const image = new Uint8Array(start + 64 + opts.payload.length + 4);
  const v = new DataView(image.buffer);
  image[0x1f1] = opts.setupSectors;
  image.set([0x48, 0x64, 0x72, 0x53], 0x202);
  v.setUint16(0x206, opts.protocol, true);
  v.setUint32(0x248, 64, true);
  v.setUint32(0x24c, opts.payload.length + 4, true);
  image.set(opts.payload, start + 64);
  v.setUint32(start + 64 + opts.payload.length, opts.size, true);
  return image;
}

Deno.test("bzImagePayload() finds an xz payload after the setup sectors and reads its size", () => {
  const xz = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2, 3];
  const p = bzImagePayload(
    bzImage({ setupSectors: 27, protocol: 0x20f, payload: xz, size: 65906612 }),
  );
  assertEquals(p.compression.name, "xz");
  assertEquals([...p.data], xz);
  assertEquals(p.size, 65906612);
});

Deno.test("bzImagePayload() reads zstd, and 0 setup sectors as 4", () => {
  const zstd = [0x28, 0xb5, 0x2f, 0xfd, 9, 9];
  const image = bzImage({
    setupSectors: 4,
    protocol: 0x20f,
    payload: zstd,
    size: 7,
  });
  image[0x1f1] = 0;
  const p = bzImagePayload(image);
  assertEquals([p.compression.name, p.size, p.data.length], ["zstd", 7, 6]);
});

Deno.test("bzImagePayload() refuses what it cannot boot", () => {
  assertThrows(
    () => bzImagePayload(new Uint8Array(4096)),
    MatrixError,
    "no HdrS",
  );
  assertThrows(
    () =>
      bzImagePayload(
        bzImage({
          setupSectors: 4,
          protocol: 0x207,
          payload: [0x1f, 0x8b],
          size: 1,
        }),
      ),
    MatrixError,
    "needs 2.08+",
  );
  assertThrows(
    () =>
      bzImagePayload(
        bzImage({
          setupSectors: 4,
          protocol: 0x20f,
          payload: [1, 2, 3, 4],
          size: 1,
        }),
      ),
    MatrixError,
    "unknown compression",
  );
  const image = bzImage({
    setupSectors: 4,
    protocol: 0x20f,
    payload: [0x1f, 0x8b],
    size: 1,
  });
  new DataView(image.buffer).setUint32(0x24c, 1 << 20, true);
  assertThrows(() => bzImagePayload(image), MatrixError, "outside the file");
});
