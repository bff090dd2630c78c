/**
 * The Deno side of the node-layer driver: starts `node_driver.mjs` under a
 * runtime, sends it `node:net` commands, and reads back each socket's
 * events. Every command has a deadline; a driver that hangs is killed, one
 * that crashes or prints something that is not its protocol fails the
 * command with what it printed; disposal always ends and reaps it.
 *
 * @module
 */

import { TextLineStream } from "@std/streams/text-line-stream";
import { TIMED_OUT, within } from "../deadline/within.ts";
import type { Endpoint, Tuple } from "../address/mod.ts";
import type { Runtime } from "./runtimes.ts";

/** The driver script, run unchanged under every runtime. */
export const DRIVER_PATH: string = new URL("./node_driver.mjs", import.meta.url)
  .pathname;

/** How a thrown or emitted error looked: `name`, `code`, `syscall`, `message`. */
export interface NodeError {
  /** `Error`, `TypeError`... */
  name?: string;
  /** `message`. */
  message: string;
  /** `code`, e.g. `ECONNRESET`, `ERR_STREAM_DESTROYED`. */
  code?: string;
  /** `syscall`, e.g. `read`, `write`. */
  syscall?: string;
  /** `errno` (negative on Node). */
  errno?: number;
}

/** One event a socket emitted (or a callback it called), in order. */
export interface NodeEvent {
  /** Order among all sockets' events in this driver. */
  seq: number;
  /** ms since the driver started. */
  t: number;
  /** `connect`, `data`, `end`, `finish`, `close`, `error`, `write-cb`. */
  event: string;
  /** `{text}` for data, `{hadError}` for close, the error for error/write-cb. */
  detail?:
    | {
      text?: string;
      hadError?: boolean;
      returned?: unknown;
      threw?: NodeError;
    }
      & Partial<NodeError>
    | null;
}

/** A socket's flags after a step. */
export interface NodeSocketProps {
  /** `socket.readable`. */
  readable: boolean;
  /** `socket.writable`. */
  writable: boolean;
  /** `socket.destroyed`. */
  destroyed: boolean;
  /** `socket.readyState`. */
  readyState: string;
  /** `socket.allowHalfOpen`. */
  allowHalfOpen: boolean;
  /** `socket.writableEnded`. */
  writableEnded: boolean;
  /** `socket.readableEnded`. */
  readableEnded: boolean;
}

/** A socket's events so far and its flags. */
export interface NodeLog {
  /** Events in order. */
  log: NodeEvent[];
  /** Flags now. */
  props: NodeSocketProps;
  /** For `wait`: whether the awaited event came in time. */
  found?: boolean;
}

/** What a `node:net` call did: returned (`"socket"`, `true`...) or threw. */
export interface NodeCall {
  /** The return value (`"socket"` when it returned the socket itself). */
  returned?: unknown;
  /** The exception, when it threw. */
  threw?: NodeError;
}

/** A socket in the driver, with its addresses. */
export interface NodeSocket {
  /** Its id in the driver (`c3`, `s4`). */
  sock: string;
  /** Local address (once connected). */
  local?: Endpoint;
  /** Remote address (once connected). */
  remote?: Endpoint;
}

/** Raised when the driver cannot do what a case asked of it. */
export class NodeDriverError extends Error {
  /** Creates the error; `transcript` is the recent dialogue. */
  constructor(message: string, readonly transcript: string[]) {
    super(
      transcript.length
        ? `${message}\nnode driver transcript (last ${transcript.length}):\n  ${
          transcript.join("\n  ")
        }`
        : message,
    );
    this.name = "NodeDriverError";
  }
}

const TRANSCRIPT_LINES = 40;

/** Options for {@linkcode NodeDriver.start}. */
export interface NodeDriverOptions {
  /** Per-command deadline in ms (default 5000). */
  timeoutMs?: number;
  /** The script to run (default {@linkcode DRIVER_PATH}; tests use fixtures). */
  script?: string;
}

/**
 * A `node_driver.mjs` process under one runtime.
 *
 * @example
 * ```ts ignore
 * import { findRuntime, NodeDriver } from "./mod.ts";
 * const rt = await findRuntime("nodejs");
 * if (!("version" in rt)) throw new Error(rt.reason);
 * await using node = await NodeDriver.start(rt);
 * const client = await node.connect({ address: "127.0.0.1", port: 4000 });
 * await node.call("end", client);
 * const { log } = await node.wait(client, "close");
 * ```
 */
export class NodeDriver implements AsyncDisposable {
  readonly #child: Deno.ChildProcess;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;
  readonly #lines: AsyncIterator<string>;
  readonly #timeoutMs: number;
  readonly #transcript: string[] = [];
  readonly #status: Promise<Deno.CommandStatus>;
  #exit: Deno.CommandStatus | undefined;
  #stderr = "";
  #nextId = 1;
  /** The runtime it runs under. */
  readonly runtime: Runtime;
  /** The versions the driver reported (`process.versions` node/deno/bun). */
  versions: Record<string, string> = {};

  private constructor(
    runtime: Runtime,
    child: Deno.ChildProcess,
    timeoutMs: number,
  ) {
    this.runtime = runtime;
    this.#child = child;
    this.#timeoutMs = timeoutMs;
    this.#stdin = child.stdin.getWriter();
    this.#lines = child.stdout
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(new TextLineStream() as TransformStream<string, string>)
      [Symbol.asyncIterator]();
    this.#status = child.status.then((s) => (this.#exit = s));
    child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
      new WritableStream({
        write: (chunk) => {
          this.#stderr = (this.#stderr + chunk).slice(-2000);
        },
      }),
    ).catch(() => {});
  }

  /** Starts the driver under `runtime` and waits for its greeting. */
  static async start(
    runtime: Runtime,
    options: NodeDriverOptions = {},
  ): Promise<NodeDriver> {
    const child = new Deno.Command(runtime.command, {
      args: [...runtime.args, options.script ?? DRIVER_PATH],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      env: { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    }).spawn();
    const driver = new NodeDriver(runtime, child, options.timeoutMs ?? 5000);
    try {
      const hello = await driver.#next("the greeting");
      if (hello.hello !== "closewait-node-driver") {
        throw driver.#error(
          `${runtime.name}: the driver did not greet: ${JSON.stringify(hello)}`,
        );
      }
      driver.versions = hello.versions as Record<string, string>;
    } catch (e) {
      await driver[Symbol.asyncDispose]();
      throw e;
    }
    return driver;
  }

  /** The last lines exchanged (`> command`, `< answer`), then stderr. */
  get transcript(): string[] {
    const stderr = this.#stderr.trim();
    return stderr
      ? [...this.#transcript, `stderr: ${stderr}`]
      : [...this.#transcript];
  }

  /** How the process ended, once it has. */
  get exitStatus(): Deno.CommandStatus | undefined {
    return this.#exit;
  }

  #log(line: string) {
    this.#transcript.push(line.length > 400 ? line.slice(0, 400) + "…" : line);
    if (this.#transcript.length > TRANSCRIPT_LINES) this.#transcript.shift();
  }

  #error(message: string): NodeDriverError {
    return new NodeDriverError(message, this.transcript);
  }

  /** The next protocol line, parsed; garbage, a crash or a hang throw. */
  async #next(what: string, deadlineMs = this.#timeoutMs) {
    const next = await within(this.#lines.next(), deadlineMs);
    const name = this.runtime.name;
    if (next === TIMED_OUT) {
      this.#kill();
      const exit = await this.#status;
      throw this.#error(
        `${name}: no answer to ${what} within ${deadlineMs} ms; killed (${
          exit.signal ?? exit.code
        })`,
      );
    }
    if (next.done) {
      const exit = await this.#status;
      throw this.#error(
        `${name}: the driver ended before answering ${what} (${
          exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`
        })`,
      );
    }
    this.#log(`< ${next.value}`);
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(next.value);
    } catch {
      parsed = {};
    }
    if (
      typeof parsed !== "object" || parsed === null || Array.isArray(parsed)
    ) {
      parsed = {};
    }
    if (parsed.fatal) {
      throw this.#error(
        `${name}: the driver crashed: ${JSON.stringify(parsed.fatal)}`,
      );
    }
    if (!("hello" in parsed) && !("id" in parsed) && !("ok" in parsed)) {
      this.#kill();
      throw this.#error(
        `${name}: the driver printed garbage instead of answering ${what}: ${
          JSON.stringify(next.value.slice(0, 200))
        }`,
      );
    }
    return parsed;
  }

  #kill() {
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }

  /**
   * Sends one command and returns its answer's fields. A protocol error
   * (unknown socket, nothing accepted in time) throws with the transcript.
   */
  async send(
    op: string,
    args: Record<string, unknown> = {},
    timeoutMs?: number,
  ): Promise<Record<string, unknown>> {
    const id = this.#nextId++;
    const line = JSON.stringify({ id, op, ...args });
    this.#log(`> ${line}`);
    if (this.#exit === undefined) {
      try {
        await this.#stdin.write(new TextEncoder().encode(line + "\n"));
      } catch {
        // stdin closed: the driver is gone; #next reports how it ended
      }
    }
    const deadline = performance.now() + (timeoutMs ?? this.#timeoutMs);
    while (true) {
      const answer = await this.#next(
        `"${op}"`,
        Math.max(0, deadline - performance.now()),
      );
      if (answer.id !== id) continue; // a late answer to an abandoned command
      if (answer.ok !== true) {
        throw this.#error(
          `${this.runtime.name}: "${op}" failed: ${answer.error}`,
        );
      }
      return answer;
    }
  }

  /** Listens on `host` port 0; `pauseOnConnect` leaves accepted data unread. */
  async listen(
    host: string,
    options: {
      allowHalfOpen?: boolean;
      pauseOnConnect?: boolean;
      /** false: no 'data' listener on accepted sockets (they stay paused). */
      read?: boolean;
    } = {},
  ): Promise<{ server: string; local: Endpoint }> {
    const a = await this.send("listen", { host, ...options });
    return {
      server: a.server as string,
      local: { address: host, port: a.port as number },
    };
  }

  /** The next connection accepted on `server`. */
  async accept(server: string): Promise<NodeSocket> {
    const a = await this.send("accept", {
      server,
      timeoutMs: this.#timeoutMs - 500,
    });
    return {
      sock: a.sock as string,
      local: a.local as Endpoint,
      remote: a.remote as Endpoint,
    };
  }

  /** Closes a listening server. */
  async closeServer(server: string): Promise<void> {
    await this.send("closeServer", { server });
  }

  /**
   * `new net.Socket({allowHalfOpen}).connect(...)`; waits for `'connect'`
   * unless `wait` is false (then the socket is still connecting).
   */
  async connect(
    to: Endpoint,
    options: { allowHalfOpen?: boolean; wait?: boolean } = {},
  ): Promise<NodeSocket> {
    const a = await this.send("connect", {
      host: to.address,
      port: to.port,
      ...options,
      timeoutMs: this.#timeoutMs - 500,
    });
    return {
      sock: a.sock as string,
      local: a.local as Endpoint | undefined,
      remote: a.remote as Endpoint | undefined,
    };
  }

  /**
   * Scripts `call` to run inside the socket's next `on` event handler (e.g.
   * a write in the `'end'` handler); its outcome is logged as `react`.
   */
  async react(
    socket: NodeSocket,
    on: string,
    call: "write" | "end" | "destroy" | "resetAndDestroy",
    text?: string,
  ): Promise<void> {
    await this.send("react", { sock: socket.sock, on, do: call, text });
  }

  /**
   * One `node:net` call on a socket: `write` (with `text`), `end`,
   * `destroy`, `resetAndDestroy`, `pause`, `resume`.
   */
  async call(
    op: "write" | "end" | "destroy" | "resetAndDestroy" | "pause" | "resume",
    socket: NodeSocket,
    text?: string,
  ): Promise<NodeCall> {
    const a = await this.send(op, { sock: socket.sock, text });
    return { returned: a.returned, threw: a.threw as NodeError | undefined };
  }

  /**
   * Several calls on one socket in the same tick (`["end",
   * "resetAndDestroy"]`), so nothing of the event loop runs in between.
   */
  async calls(
    socket: NodeSocket,
    calls: ("end" | "destroy" | "resetAndDestroy" | "pause" | "resume")[],
  ): Promise<NodeCall[]> {
    const a = await this.send("calls", { sock: socket.sock, calls });
    return a.results as NodeCall[];
  }

  /**
   * `connect()` and, in the same tick, `call` on the still-connecting
   * socket (e.g. `resetAndDestroy`); returns the socket and the call's outcome.
   */
  async connectThen(
    to: Endpoint,
    call: "destroy" | "resetAndDestroy" | "end",
  ): Promise<{ socket: NodeSocket; call: NodeCall }> {
    const a = await this.send("connect", {
      host: to.address,
      port: to.port,
      then: call,
    });
    return { socket: { sock: a.sock as string }, call: a.then as NodeCall };
  }

  /**
   * Reads the socket with `for await` to its end (within `timeoutMs`):
   * the text read, and what the loop threw, if anything.
   */
  async iterate(
    socket: NodeSocket,
    timeoutMs = 2000,
  ): Promise<{ text: string; threw?: NodeError }> {
    const a = await this.send("iterate", { sock: socket.sock }, timeoutMs);
    return { text: a.text as string, threw: a.threw as NodeError | undefined };
  }

  /** Waits until the socket has emitted `count` × `event`, or `timeoutMs` passed. */
  async wait(
    socket: NodeSocket,
    event: string,
    timeoutMs = 2000,
    count = 1,
  ): Promise<NodeLog> {
    return await this.send(
      "wait",
      { sock: socket.sock, event, count, timeoutMs },
      timeoutMs + this.#timeoutMs,
    ) as unknown as NodeLog;
  }

  /** Waits until the socket has been quiet for `quietMs` (at most `timeoutMs`). */
  async settle(
    socket: NodeSocket,
    quietMs = 100,
    timeoutMs = 2000,
  ): Promise<NodeLog> {
    return await this.send(
      "settle",
      { sock: socket.sock, quietMs, timeoutMs },
      timeoutMs + this.#timeoutMs,
    ) as unknown as NodeLog;
  }

  /** The socket's events and flags now. */
  async log(socket: NodeSocket): Promise<NodeLog> {
    return await this.send("log", { sock: socket.sock }) as unknown as NodeLog;
  }

  /** Ends the driver (stdin closed), kills it if it lingers, reaps it. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.#stdin.close().catch(() => {});
    if (await within(this.#status, 2000) === TIMED_OUT) this.#kill();
    await this.#status;
    await this.#lines.return?.().catch(() => {});
  }
}

/** The 4-tuple of a driver socket, for the state probe. */
export function tupleOf(socket: NodeSocket): Tuple {
  if (!socket.local || !socket.remote) {
    throw new Error(`socket ${socket.sock} has no addresses (not connected)`);
  }
  return { local: socket.local, remote: socket.remote };
}
