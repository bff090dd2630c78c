/**
 * Kernel facts that differ between releases and explain a matrix row, as
 * measured on the running kernel (host or guest): for now the length
 * `getsockopt(TCP_INFO)` fills (`struct tcp_info` grows with new fields:
 * 232 bytes on 6.1, 248 on 6.12, 280 on 6.18 and 7.2).
 *
 * Run as a script it prints the facts as JSON:
 * `deno run --allow-ffi --allow-sys=osRelease lib/matrix/facts.ts`. It
 * calls libc through Deno's FFI, so it needs no compiler in the guest.
 *
 * @module
 */

/** What the matrix records about a kernel. */
export interface KernelFacts {
  /** `uname -r`. */
  kernel: string;
  /** Bytes `getsockopt(IPPROTO_TCP, TCP_INFO)` returns for a TCP socket. */
  tcpInfoBytes: number;
}

/** Linux constants (include/uapi/linux/tcp.h, socket.h, in.h). */
const AF_INET = 2;
const SOCK_STREAM = 1;
const IPPROTO_TCP = 6;
const TCP_INFO = 11;

/**
 * Reads the facts of the running kernel (Linux only; needs `--allow-ffi`).
 *
 * @example
 * ```ts ignore
 * import { probeKernelFacts } from "./facts.ts";
 * console.log((await probeKernelFacts()).tcpInfoBytes);
 * ```
 */
export function probeKernelFacts(): KernelFacts {
  const libc = Deno.dlopen("libc.so.6", {
    socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
    getsockopt: {
      parameters: ["i32", "i32", "i32", "buffer", "buffer"],
      result: "i32",
    },
    close: { parameters: ["i32"], result: "i32" },
  });
  try {
    const fd = libc.symbols.socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw new Error("socket() failed");
    try {
      const info = new Uint8Array(1024);
      const len = new Uint32Array([info.length]);
      const r = libc.symbols.getsockopt(
        fd,
        IPPROTO_TCP,
        TCP_INFO,
        info,
        new Uint8Array(len.buffer),
      );
      if (r !== 0) throw new Error("getsockopt(TCP_INFO) failed");
      return { kernel: Deno.osRelease(), tcpInfoBytes: len[0] };
    } finally {
      libc.symbols.close(fd);
    }
  } finally {
    libc.close();
  }
}

/**
 * Reads the facts a probe printed; `undefined` when the text is not such
 * JSON.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseKernelFacts } from "./facts.ts";
 * assertEquals(parseKernelFacts('{"kernel":"6.1.0-57-amd64","tcpInfoBytes":232}\n')?.tcpInfoBytes, 232);
 * assertEquals(parseKernelFacts("Segmentation fault"), undefined);
 * ```
 */
export function parseKernelFacts(text: string): KernelFacts | undefined {
  try {
    const v = JSON.parse(text);
    if (typeof v?.kernel === "string" && Number.isInteger(v?.tcpInfoBytes)) {
      return { kernel: v.kernel, tcpInfoBytes: v.tcpInfoBytes };
    }
  } catch { /* not JSON */ }
  return undefined;
}

if (import.meta.main) console.log(JSON.stringify(probeKernelFacts()));
