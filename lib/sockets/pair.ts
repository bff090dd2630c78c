/**
 * Connected TCP pairs on loopback through Deno's own API, and a way to turn
 * a Deno call's outcome into an observation string.
 *
 * @module
 */

import type { Helper, HelperSocket } from "../helper/helper.ts";
import { join } from "@std/path";
import { withLock } from "../lock/mod.ts";
import { cacheDir } from "../platform/mod.ts";
import type { Tuple } from "../address/mod.ts";
import { TIMED_OUT, within } from "../deadline/within.ts";

/** A connected client/server pair; disposing closes whatever is still open. */
export interface TcpPair extends AsyncDisposable {
  /** The end that called `Deno.connect`. */
  client: Deno.TcpConn;
  /** The end `accept()` returned. */
  server: Deno.TcpConn;
  /** The client's 4-tuple (local = client). */
  clientTuple: Tuple;
  /** The server's 4-tuple (local = server). */
  serverTuple: Tuple;
  /** How long `Deno.connect` took (ms): one handshake round trip plus overhead. */
  connectMs: number;
}

/** Closes a resource that may already be closed. */
export function closeQuietly(resource: { close(): void }): void {
  try {
    resource.close();
  } catch (e) {
    if (!(e instanceof Deno.errors.BadResource)) throw e;
  }
}

/**
 * Listens on `hostname` port 0, connects, accepts, closes the listener, and
 * returns both ends.
 *
 * @example
 * ```ts ignore
 * import { tcpPair } from "./pair.ts";
 * await using pair = await tcpPair("127.0.0.1");
 * pair.client.close();
 * const n = await pair.server.read(new Uint8Array(8)); // null: the FIN
 * ```
 */
export async function tcpPair(hostname = "127.0.0.1"): Promise<TcpPair> {
  const listener = Deno.listen({ hostname, port: 0, transport: "tcp" });
  try {
    const accepted = listener.accept();
    const started = performance.now();
    let client: Deno.TcpConn;
    try {
      client = await Deno.connect({ hostname, port: listener.addr.port });
    } catch (e) {
      accepted.catch(() => {});
      throw e;
    }
    const connectMs = performance.now() - started;
    const server = await accepted;
    const tuple = (conn: Deno.TcpConn): Tuple => ({
      local: { address: conn.localAddr.hostname, port: conn.localAddr.port },
      remote: { address: conn.remoteAddr.hostname, port: conn.remoteAddr.port },
    });
    return {
      client,
      server,
      clientTuple: tuple(client),
      serverTuple: tuple(server),
      connectMs,
      [Symbol.asyncDispose]() {
        closeQuietly(client);
        closeQuietly(server);
        return Promise.resolve();
      },
    };
  } finally {
    listener.close();
  }
}

/**
 * The one Unix-socket path the Deno layer uses. Deno grants Unix sockets
 * only by exact absolute path (`deno.json` lists this one), so concurrent
 * runs (from any checkout) take turns on it through a lock file beside it.
 */
/**
 * The Unix-socket path the kit's AF_UNIX pairs listen on: `unix.sock` in
 * the user's cache folder, so one user's stale file (a killed run's) never
 * blocks another's, and a permission can name it exactly.
 */
export function unixSocketPath(dir: string = cacheDir()): string {
  return join(dir, "unix.sock");
}

/** sockaddr_un's sun_path holds 108 bytes on Linux, 104 on the BSDs. */
const SUN_PATH_MAX = 103;

/** A connected AF_UNIX stream pair through `Deno.listen`/`Deno.connect`. */
export interface UnixPair {
  /** The end that called `Deno.connect`. */
  client: Deno.UnixConn;
  /** The end `accept()` returned. */
  server: Deno.UnixConn;
}

/**
 * Runs `fn` with a connected Unix-socket pair, holding the path's lock, and
 * closes both ends and removes the path afterwards, whatever happens.
 *
 * @example
 * ```ts ignore
 * import { withUnixPair } from "./pair.ts";
 * await withUnixPair(async ({ client, server }) => {
 *   client.close();
 *   await server.read(new Uint8Array(8)); // null
 * });
 * ```
 */
export function withUnixPair<T>(
  fn: (pair: UnixPair) => Promise<T>,
): Promise<T> {
  const path = unixSocketPath();
  if (new TextEncoder().encode(path).length > SUN_PATH_MAX) {
    return Promise.reject(
      new RangeError(
        `the Unix-socket path ${path} is longer than ${SUN_PATH_MAX} bytes: set CLOSEWAIT_CACHE_DIR to a shorter folder`,
      ),
    );
  }
  const lock = { waitMs: 10_000, what: "a Unix-socket pair" };
  return withLock(`${path}.lock`, lock, async () => {
    await Deno.remove(path).catch(() => {}); // left by a killed run
    const listener = Deno.listen({ transport: "unix", path });
    let client: Deno.UnixConn | undefined;
    let server: Deno.UnixConn | undefined;
    try {
      const accepted = listener.accept();
      try {
        client = await Deno.connect({ transport: "unix", path });
      } catch (e) {
        accepted.catch(() => {});
        throw e;
      }
      server = await accepted;
      return await fn({ client, server });
    } finally {
      if (client) closeQuietly(client);
      if (server) closeQuietly(server);
      closeQuietly(listener);
      await Deno.remove(path).catch(() => {});
    }
  });
}

/** A helper-held client connected to a Deno server connection. */
export interface HelperClientPair extends AsyncDisposable {
  /** The helper's end (it called connect()). */
  client: HelperSocket;
  /** Deno's end (`Deno.Listener.accept()`). */
  server: Deno.TcpConn;
  /** The client's 4-tuple. */
  clientTuple: Tuple;
  /** The server's 4-tuple. */
  serverTuple: Tuple;
  /**
   * From sending the helper its connect command to Deno's accept resolving
   * (ms): a round trip through both programs, the Deno layer's yardstick.
   */
  connectMs: number;
}

/**
 * Connects a C-helper client to a Deno server: for the cases where the peer
 * must do what Deno's API cannot (SO_LINGER, exit with unread data) and Deno
 * is the side under observation.
 *
 * @example
 * ```ts ignore
 * import { Helper, helperClientPair } from "../../mod.ts";
 * await using h = await Helper.start();
 * await using pair = await helperClientPair(h, "127.0.0.1");
 * await h.expectOk(`linger ${pair.client.fd} 1 0`);
 * ```
 */
export async function helperClientPair(
  helper: Helper,
  hostname = "127.0.0.1",
): Promise<HelperClientPair> {
  const listener = Deno.listen({ hostname, port: 0, transport: "tcp" });
  try {
    const accepted = listener.accept();
    const started = performance.now();
    let client: HelperSocket;
    try {
      client = await helper.connect({
        address: hostname,
        port: listener.addr.port,
      });
    } catch (e) {
      accepted.catch(() => {});
      throw e;
    }
    const server = await accepted;
    const connectMs = performance.now() - started;
    const serverTuple: Tuple = {
      local: {
        address: server.localAddr.hostname,
        port: server.localAddr.port,
      },
      remote: {
        address: server.remoteAddr.hostname,
        port: server.remoteAddr.port,
      },
    };
    return {
      client,
      server,
      serverTuple,
      clientTuple: { local: serverTuple.remote, remote: serverTuple.local },
      connectMs,
      [Symbol.asyncDispose]() {
        closeQuietly(server);
        return Promise.resolve();
      },
    };
  } finally {
    listener.close();
  }
}

/**
 * One `conn.read()` described like a helper read: `5 "hello"` for data,
 * `"null"` at EOF, `"ConnectionReset ECONNRESET"` for an error.
 */
export async function readOnce(
  conn: Deno.Conn,
  timeoutMs: number,
): Promise<string> {
  const buf = new Uint8Array(64);
  const r = await outcome(conn.read(buf), timeoutMs);
  const n = Number(r.text);
  if (r.error || !Number.isInteger(n) || n <= 0) return r.text;
  return `${n} ${JSON.stringify(new TextDecoder().decode(buf.subarray(0, n)))}`;
}

/**
 * Settles a Deno I/O promise within `timeoutMs` and describes the outcome
 * the way expectations are written: the resolved value (`"3"`, `"null"`,
 * `"resolved"` for no value),
 * `"BrokenPipe EPIPE"` for a rejection (class and `code`), or
 * `"pending after N ms"` when it did not settle.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { outcome } from "./pair.ts";
 * assertEquals((await outcome(Promise.resolve(null), 100)).text, "null");
 * ```
 */
export async function outcome(
  work: Promise<unknown>,
  timeoutMs: number,
): Promise<{ text: string; ms: number; error?: unknown }> {
  const started = performance.now();
  const settled = await within(
    work.then((value) => ({ value }), (error) => ({ error })),
    timeoutMs,
  );
  const ms = performance.now() - started;
  if (settled === TIMED_OUT) {
    return { text: `pending after ${timeoutMs} ms`, ms };
  }
  if ("error" in settled) {
    const e = settled.error as Error & { code?: string };
    return { text: e.code ? `${e.name} ${e.code}` : e.name, ms, error: e };
  }
  const text = settled.value === undefined ? "resolved" : String(settled.value);
  return { text, ms };
}
