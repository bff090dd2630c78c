/**
 * The node layer's expectations: what Node.js's `node:net` does in each
 * case's node-layer story on Linux, with the source of every claim (Node's
 * own tests in `test/parallel`, its code in `lib/net.js` and friends,
 * libuv, and the kernel behaviour the syscall layer pins). Node.js is the
 * reference: the same entries judge `node@deno` and `node@bun`, and a
 * difference there is a compat difference (see `lib/runtimes/node_case.ts`),
 * or a known deviation where one is recorded below with its issue.
 *
 * None of these values was copied from a run: each follows from the
 * source named beside it.
 *
 * @module
 */

import type { PlatformTable, StepTable } from "./types.ts";

const NODE = "nodejs/node";
/** Where the node layer's claims come from. */
export const N = {
  halfOpenDefault:
    `${NODE} lib/net.js Socket(): allowHalfOpen defaults to false; test/parallel/test-net-allow-half-open.js`,
  endFinishClose:
    `${NODE} lib/internal/streams/readable.js endReadableNT → endWritableNT → end() → Socket._final (shutdown) → 'finish', autoDestroy → 'close'; test/parallel/test-net-allow-half-open.js ('end' then 'finish' then 'close')`,
  halfOpenKeepsWritable:
    `${NODE} test/parallel/test-net-connect-options-allowhalfopen.js: after the peer's FIN with allowHalfOpen, 'end' only, writable stays true and write() returns true`,
  writeDestroyed:
    `${NODE} test/parallel/test-net-socket-destroy-send.js: a write after destroy calls back ERR_STREAM_DESTROYED, no 'error'; lib/internal/streams/writable.js _write(): errorOrDestroy skipped when destroyed`,
  writeAfterFin:
    `${NODE} lib/net.js onReadableStreamEnd swaps in writeAfterFIN when !allowHalfOpen; once writableEnded it calls back (nextTick) with Error('This socket has been ended by the other party') code EPIPE, destroy(er) (a no-op on a destroyed socket: no 'error') and returns false; test/parallel/test-net-write-after-close.js, test-net-write-after-end-nt.js`,
  writeAfterEnd:
    `${NODE} lib/internal/streams/writable.js _write(): once ending, err = ERR_STREAM_WRITE_AFTER_END ('write after end'), process.nextTick(cb, err), errorOrDestroy(stream, err, true): the callback, then 'error', then 'close' (hadError); write() returns false`,
  iteratorDestroys:
    `${NODE} lib/internal/streams/readable.js createAsyncIterator() finally: at the end (error === null, destroyOnReturn not false, autoDestroy) → destroyImpl.destroyer(stream, null); lib/internal/streams/destroy.js destroyer(): a stream not finished (its writable side is open) is destroyed with new AbortError() → 'error' ABORT_ERR "The operation was aborted", 'close' (hadError)`,
  writeSyncError:
    `${NODE} lib/internal/stream_base_commons.js afterWriteDispatched(): a synchronous write error → cb(ErrnoException(err, 'write')); lib/internal/streams/writable.js onwrite → write() returns false, onwriteError: callback, then 'error', then 'close' (hadError)`,
  rstInCloseWait:
    "Linux net/ipv4/tcp_input.c tcp_reset(): an RST in CLOSE_WAIT sets sk_err = EPIPE (the syscall layer's server write() #2)",
  writeAcceptedByKernel:
    "the first write after the peer's close() is accepted by the kernel (syscall layer: server write() #1 = 3), so its callback gets no error",
  nodeFinOnWire:
    `${NODE} lib/net.js Socket._final → shutdown(): with allowHalfOpen false the peer's FIN is answered by our FIN`,
  readReset:
    `${NODE} lib/internal/stream_base_commons.js onStreamRead(): nread < 0 other than UV_EOF → destroy(ErrnoException(nread, 'read')): 'error' {code: 'ECONNRESET', syscall: 'read', message: 'read ECONNRESET'} then 'close' hadError; test/parallel/test-net-socket-reset-send.js`,
  resetAndDestroy:
    `${NODE} lib/net.js resetAndDestroy() → _destroy → handle.reset() → uv_tcp_close_reset (SO_LINGER 0, close): an RST, no FIN; test/parallel/test-net-socket-reset-send.js: returns the socket, the closer emits no 'error', the peer gets ECONNRESET`,
  resetAfterEnd:
    `libuv src/unix/tcp.c uv_tcp_close_reset(): UV_EINVAL while a shutdown is pending (UV_HANDLE_SHUTTING); ${NODE} lib/net.js _destroy: reset() error → 'error' ErrnoException(err, 'reset'). Inferred from code: no Node test covers end() then resetAndDestroy()`,
  resetConnecting:
    `${NODE} lib/net.js resetAndDestroy(): while connecting, waits for 'connect' then _reset(); test/parallel/test-net-connect-reset-until-connected.js`,
  bufferedBeforeRst:
    "oven-sh/bun PR#39600 (Node v26.3.0 table): a paused socket whose peer RSTs behind unread data emits 'error' ECONNRESET then 'close', no 'end'",
} as const;

/** Node.js's behaviour per case, on Linux. */
export const nodeLinux: Record<string, StepTable> = {
  "tcp-write-after-peer-close": {
    "default: allowHalfOpen": { expect: "false", source: N.halfOpenDefault },
    "default: server events after peer close()": {
      expect: "end, finish, close",
      source: N.endFinishClose,
    },
    "default: segments": {
      expect: "c:S s:S. c:. c:F. s:F. c:.",
      compare: "wire",
      source: N.nodeFinOnWire,
    },
    "default: write() after 'close'": {
      expect: "returned false",
      source: N.writeAfterFin,
    },
    "default: events after write()": {
      expect: "write-cb EPIPE",
      source: N.writeAfterFin,
    },
    "default: write() callback": {
      expect: 'EPIPE "This socket has been ended by the other party"',
      source: N.writeAfterFin,
    },
    "ended: events from the peer's FIN on": {
      expect:
        "end, react returned false, write-cb EPIPE, error EPIPE, close(hadError)",
      source:
        `${N.writeAfterFin}; the callback is queued (nextTick) before destroy(er) queues 'error' and 'close'`,
    },
    "ended: write() callback in 'end'": {
      expect: 'EPIPE "This socket has been ended by the other party"',
      source: N.writeAfterFin,
    },
    "halfOpen: server events after peer close()": {
      expect: "end",
      source: N.halfOpenKeepsWritable,
    },
    "halfOpen: server writable after 'end'": {
      expect: "true",
      source: N.halfOpenKeepsWritable,
    },
    "halfOpen: write() #1": {
      expect: "returned true",
      source: N.halfOpenKeepsWritable,
    },
    "halfOpen: write #1 callback": {
      expect: "ok",
      source: N.writeAcceptedByKernel,
    },
    "halfOpen: server state after write #1": {
      expect: "absent",
      source:
        "Linux tcp_reset() → tcp_done(): the RST for our data closes the socket (syscall layer: server state after RST)",
    },
    "halfOpen: events after write #1": {
      expect: "write-cb ok",
      source:
        "libuv src/unix/stream.c uv__stream_eof(): after EOF the handle stops polling for input, so the peer's RST goes unnoticed until the next write",
    },
    "halfOpen: write() #2": {
      expect: "returned false",
      source: N.writeSyncError,
    },
    "halfOpen: events after write() #2": {
      expect: "write-cb EPIPE, error EPIPE, close(hadError)",
      source: N.writeSyncError,
    },
    "halfOpen: error of write() #2": {
      expect: 'EPIPE write "write EPIPE"',
      source: `${N.writeSyncError}; ${N.rstInCloseWait}`,
    },
  },
  "tcp-linger-zero-sends-rst": {
    "peer abort: server events": {
      expect: "error ECONNRESET, close(hadError)",
      source: N.readReset,
    },
    "peer abort: server error": {
      expect: 'ECONNRESET read "read ECONNRESET"',
      source: N.readReset,
    },
    "peer abort: write() after 'close'": {
      expect: "returned false",
      source: N.writeDestroyed,
    },
    "peer abort: write() callback": {
      expect:
        'ERR_STREAM_DESTROYED "Cannot call write after a stream was destroyed"',
      source: N.writeDestroyed,
    },
    "peer abort: events after write()": {
      expect: "write-cb ERR_STREAM_DESTROYED",
      source: N.writeDestroyed,
    },
    "resetAndDestroy(): returned": {
      expect: "returned socket",
      source: N.resetAndDestroy,
    },
    "resetAndDestroy(): events": { expect: "close", source: N.resetAndDestroy },
    "resetAndDestroy(): peer read()": {
      expect: "-1 ECONNRESET",
      source:
        `${N.resetAndDestroy}; the syscall layer's read first: server read() #1`,
    },
    "resetAndDestroy(): segments": {
      expect: "c:S s:S. c:. c:R.",
      compare: "wire",
      source: N.resetAndDestroy,
    },
    "end() + resetAndDestroy(): end()": {
      expect: "returned socket",
      source:
        `${NODE} test/parallel/test-socket-write-after-fin.js: end() returns the socket`,
    },
    "end() + resetAndDestroy(): resetAndDestroy()": {
      expect: "returned socket",
      source: N.resetAndDestroy,
    },
    "end() + resetAndDestroy(): events": {
      expect: "error EINVAL",
      source:
        `${N.resetAfterEnd}; lib/net.js _destroy: after a failed reset() the handle is dropped without close(), so no 'close'; writable.js needFinish(): no 'finish' once destroyed`,
    },
    "end() + resetAndDestroy(): error": {
      expect: 'EINVAL reset "reset EINVAL"',
      source: N.resetAfterEnd,
    },
    "end() + resetAndDestroy(): peer read()": {
      expect: "0",
      source: `${N.resetAfterEnd}: the pending shutdown still sends our FIN`,
    },
    "end() + resetAndDestroy(): segments": {
      expect: ["c:S s:S. c:. c:F. s:F. c:.", "c:S s:S. c:. c:F. s:F."],
      compare: "wire",
      source:
        `${N.resetAfterEnd}: FIN and no RST; the peer's FIN is ACKed (if the capture stops before that ACK, it is missing)`,
    },
    "connecting: resetAndDestroy()": {
      expect: "returned socket",
      source: N.resetConnecting,
    },
    "connecting: events": {
      expect: "connect, close",
      source: N.resetConnecting,
    },
    "connecting: peer read()": {
      expect: "-1 ECONNRESET",
      source: `${N.resetConnecting}: the reset follows the handshake`,
    },
    "connecting: segments": {
      expect: "c:S s:S. c:. c:R.",
      compare: "wire",
      source: N.resetConnecting,
    },
  },
  "tcp-half-close-peer-still-receives": {
    "halfOpen: events after peer SHUT_WR": {
      expect: "end",
      source: N.halfOpenKeepsWritable,
    },
    'halfOpen: write("hello")': {
      expect: "returned true",
      source: N.halfOpenKeepsWritable,
    },
    'halfOpen: peer read() of "hello"': {
      expect: '5 "hello"',
      source: `${N.halfOpenKeepsWritable}; the syscall layer's client read()`,
    },
    'halfOpen: write("world")': {
      expect: "returned true",
      source: N.halfOpenKeepsWritable,
    },
    'halfOpen: peer read() of "world"': {
      expect: '5 "world"',
      source:
        `${N.halfOpenKeepsWritable}; the syscall layer's client read() again`,
    },
    "halfOpen: end()": {
      expect: "returned socket",
      source:
        `${NODE} test/parallel/test-socket-write-after-fin.js: end() returns the socket`,
    },
    "halfOpen: peer read() after end()": {
      expect: "0",
      source: N.nodeFinOnWire,
    },
    "halfOpen: events after end()": {
      expect: "finish, close",
      source:
        `${NODE} lib/net.js Socket._final → shutdown → 'finish'; both sides ended, autoDestroy → 'close' (test-net-allow-half-open.js)`,
    },
    "halfOpen: segments": {
      expect: "c:S s:S. c:. c:F. s:. s:P.(5) c:. s:P.(5) c:. s:F. c:.",
      compare: "wire",
      source:
        `${N.halfOpenKeepsWritable}; the same sequence as the wire layer of this case (RFC 9293 §3.10.7.4: FIN-WAIT-2 processes and ACKs incoming text)`,
    },
    "default: events after peer SHUT_WR": {
      expect: "end, finish, close",
      source: N.endFinishClose,
    },
    "default: peer read()": { expect: "0", source: N.nodeFinOnWire },
  },
  "tcp-rst-with-unread-data": {
    "paused: events after the peer's data": {
      expect: "none",
      source:
        `${NODE} lib/internal/streams/readable.js: a paused stream buffers what it reads and emits no 'data'`,
    },
    "paused: events after the RST": {
      expect: "error ECONNRESET, close(hadError)",
      source: `${N.bufferedBeforeRst}; ${N.readReset}`,
    },
    "paused: error": {
      expect: 'ECONNRESET read "read ECONNRESET"',
      source: N.readReset,
    },
  },
  "tcp-fin-reads-zero": Object.fromEntries(
    ["close()", "shutdown(SHUT_WR)"].flatMap((ending) => [
      [`after peer ${ending}: events`, {
        expect: "end",
        source: N.halfOpenKeepsWritable,
      }],
      [`after peer ${ending}: errors`, {
        expect: "none",
        source:
          `${NODE} lib/internal/stream_base_commons.js onStreamRead(): UV_EOF is push(null), not an error`,
      }],
      [`after peer ${ending}: readable`, {
        expect: "false",
        source: N.halfOpenKeepsWritable,
      }],
      [`after peer ${ending}: server state`, {
        expect: "CLOSE_WAIT",
        source:
          "RFC 9293 §3.10.7.4: a FIN in ESTABLISHED enters CLOSE-WAIT (the syscall layer's server state)",
      }],
    ]),
  ),
  "tcp-write-after-own-shutdown": {
    "end()": {
      expect: "returned socket",
      source:
        `${NODE} test/parallel/test-socket-write-after-fin.js: end() returns the socket`,
    },
    "events after end()": {
      expect: "finish",
      source:
        `${NODE} lib/net.js Socket._final → shutdown(); afterShutdown → 'finish' (test-net-allow-half-open.js)`,
    },
    "write() after own end()": {
      expect: "returned false",
      source: N.writeAfterEnd,
    },
    "events after write()": {
      expect:
        "write-cb ERR_STREAM_WRITE_AFTER_END, error ERR_STREAM_WRITE_AFTER_END, close(hadError)",
      source: N.writeAfterEnd,
    },
    error: {
      expect: 'ERR_STREAM_WRITE_AFTER_END "write after end"',
      source: N.writeAfterEnd,
    },
    "peer read()": { expect: "0", source: N.nodeFinOnWire },
  },
  "tcp-close-with-unread-data-sends-rst": {
    "unread: destroy()": {
      expect: "returned socket",
      source:
        `${NODE} test/parallel/test-net-socket-destroy-send.js: destroy() returns the socket`,
    },
    "unread: events": {
      expect: "close",
      source:
        `${NODE} lib/net.js _destroy → handle.close() → 'close' (hadError false: destroyed without an error)`,
    },
    "unread: peer read() #1": {
      expect: "-1 ECONNRESET",
      source:
        `${NODE} lib/net.js Server pauseOnConnect: "no data will be read from its handle", so close() finds the data unread; RFC 2525 §2.17 (the syscall layer's client read() #1)`,
    },
    "unread: peer read() #2": {
      expect: "0",
      source:
        "the syscall layer's client read() #2: ECONNRESET is reported once",
    },
    "unread: segments": {
      expect: "c:S s:S. c:. c:P.(5) s:. s:R.",
      compare: "wire",
      source:
        "the wire layer of this case: close() with unread data sends RST, not FIN (RFC 2525 §2.17)",
    },
    "read: events before destroy()": {
      expect: 'data "hello"',
      source:
        `${NODE} lib/net.js: a socket reads from connect on (read(0) → tryReadStart) and a 'data' listener makes it flow`,
    },
    "read: destroy()": {
      expect: "returned socket",
      source: `${NODE} test/parallel/test-net-socket-destroy-send.js`,
    },
    "read: peer read()": {
      expect: "0",
      source:
        `node:net took the data out of the kernel before destroy(), so close() finds nothing unread and sends a FIN (nodejs/node#31916: destroy() is not an RST)`,
    },
  },
  "tcp-exit-with-unread-data-sends-rst": {
    "write()": { expect: "returned true", source: N.halfOpenKeepsWritable },
    "events after write()": {
      expect: "write-cb ok",
      source: "the syscall layer's server write(): the kernel accepts it",
    },
    "events after the peer's exit": {
      expect: "none",
      source:
        "libuv src/unix/stream.c uv__stream_eof(): after EOF the handle no longer polls for input, and nothing is being written, so the RST is not seen",
    },
    "write() after the RST": {
      expect: "returned false",
      source: N.writeSyncError,
    },
    "events after write() after the RST": {
      expect: "write-cb EPIPE, error EPIPE, close(hadError)",
      source: N.writeSyncError,
    },
    "error of write() after the RST": {
      expect: 'EPIPE write "write EPIPE"',
      source: `${N.writeSyncError}; ${N.rstInCloseWait}`,
    },
    segments: {
      expect: "c:S s:S. c:. c:F. s:. s:P.(3) c:. c:R.",
      compare: "wire",
      source:
        "the wire layer of this case: the data is ACKed, the RST comes at exit",
    },
  },
  "sigpipe-on-write-after-reset": {
    "server state after write #1": {
      expect: "absent",
      source:
        "Linux tcp_reset() → tcp_done(): the RST for our data closes the socket (syscall layer: server state after RST)",
    },
    "write() after the RST: error": {
      expect: 'EPIPE write "write EPIPE"',
      source: `${N.writeSyncError}; ${N.rstInCloseWait}`,
    },
    "runtime after the EPIPE write": {
      expect: "answers",
      source:
        `${NODE} src/node.cc PlatformInit(): SIGPIPE (and SIGXFSZ) set to SIG_IGN at start-up, so the EPIPE write raises no fatal signal`,
    },
  },
  "deno-readable-eof-closes-connection": {
    "server reads with for await to EOF": {
      expect: '"request"',
      source:
        `${NODE} lib/internal/streams/readable.js createAsyncIterator(): yields each chunk, returns at 'end'`,
    },
    "events after the loop": {
      expect: "end, error ABORT_ERR, close(hadError)",
      source: N.iteratorDestroys,
    },
    "error after the loop": {
      expect: 'ABORT_ERR "The operation was aborted"',
      source: N.iteratorDestroys,
    },
    "write() of the reply": {
      expect: "returned false",
      source: N.writeDestroyed,
    },
    "reply callback": {
      expect:
        'ERR_STREAM_DESTROYED "Cannot call write after a stream was destroyed"',
      source: N.writeDestroyed,
    },
    "peer read() of the reply": {
      expect: "0",
      source:
        `${N.iteratorDestroys}; destroy() with nothing unread closes with a FIN (nodejs/node#31916)`,
    },
  },
};

/**
 * Known deviations of Deno's and Bun's `node:net` from Node.js, each with
 * where it is tracked: `case → step → {observed, issue}`.
 */
export const nodeDeviations: Partial<
  Record<
    "node@deno" | "node@bun",
    Record<string, Record<string, { observed: string; issue: string }>>
  >
> = {};

/**
 * `table` with the node layers added: Node.js's entries for `node@nodejs`,
 * and the same entries for `node@deno` and `node@bun` with their known
 * deviations laid over.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { withNodeLayers } from "./node.ts";
 * const t = withNodeLayers({}, { "x": { "s": { expect: "end", source: "y" } } });
 * assertEquals(t.x?.["node@bun"]?.s, { expect: "end", source: "y" });
 * ```
 */
export function withNodeLayers(
  table: PlatformTable,
  node: Record<string, StepTable> = nodeLinux,
): PlatformTable {
  const out: PlatformTable = { ...table };
  for (const [id, steps] of Object.entries(node)) {
    const layers = { ...out[id] };
    layers["node@nodejs"] = steps;
    for (const layer of ["node@deno", "node@bun"] as const) {
      const deviations = nodeDeviations[layer]?.[id] ?? {};
      const own: StepTable = { ...steps };
      for (const [step, knownDeviation] of Object.entries(deviations)) {
        const base = steps[step];
        if (base && !Array.isArray(base)) {
          own[step] = { ...base, knownDeviation } as StepTable[string];
        }
      }
      layers[layer] = own;
    }
    out[id] = layers;
  }
  return out;
}
