/**
 * errno names as packetdrill writes them: `-1 EPIPE (Broken pipe)`. The
 * text in parentheses is only a note (packetdrill compares the symbol),
 * but its grammar requires one, so every name gets glibc's `strerror()`
 * text, or the name itself for one not listed here.
 *
 * @module
 */

const TEXT: Record<string, string> = {
  EAGAIN: "Resource temporarily unavailable",
  EBADF: "Bad file descriptor",
  ECONNABORTED: "Software caused connection abort",
  ECONNREFUSED: "Connection refused",
  ECONNRESET: "Connection reset by peer",
  EINPROGRESS: "Operation now in progress",
  EINTR: "Interrupted system call",
  EINVAL: "Invalid argument",
  EISCONN: "Transport endpoint is already connected",
  ENOTCONN: "Transport endpoint is not connected",
  ENOTSOCK: "Socket operation on non-socket",
  EOPNOTSUPP: "Operation not supported",
  EPIPE: "Broken pipe",
  ETIMEDOUT: "Connection timed out",
};

/**
 * `= -1 EPIPE (Broken pipe)`: a failed call's result as packetdrill
 * expects it.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { failedResult } from "./errno.ts";
 * assertEquals(failedResult("ECONNRESET"), "-1 ECONNRESET (Connection reset by peer)");
 * assertEquals(failedResult("E42"), "-1 E42 (E42)");
 * ```
 */
export function failedResult(errno: string): string {
  return `-1 ${errno} (${TEXT[errno] ?? errno})`;
}
