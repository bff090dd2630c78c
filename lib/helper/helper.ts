/**
 * The typed driver of the C helper: start it, send commands, get answers.
 *
 * Every command has a timeout; a helper that hangs is killed and the command
 * fails with the transcript. A helper that dies (for instance of SIGPIPE)
 * answers every pending command with `died` and its exit status. Disposal
 * (`await using`) always ends and reaps the process.
 *
 * @module
 */

import { TextLineStream } from "@std/streams/text-line-stream";
import { ensureHelper } from "./build.ts";
import {
  type Answer,
  brief,
  diedAnswer,
  elapsedUs,
  type ExitStatus,
  parseAnswer,
} from "./protocol.ts";
import { type Endpoint, parseEndpoint, type Tuple } from "../address/mod.ts";
import { TIMED_OUT, within } from "../deadline/within.ts";

/** The helper protocol this driver speaks (`hello` answers `protocol=`). */
const PROTOCOL_VERSION = "2";

/** CLOCK_REALTIME − CLOCK_MONOTONIC, as {@linkcode Helper.realtimeOffset} measured it. */
export interface ClockOffset {
  /** The offset in ns. */
  offsetNs: bigint;
  /** How far off it may be, either way, in ns. */
  uncertaintyNs: bigint;
}

/** Raised when the helper cannot do what a case asked of it. */
export class HelperError extends Error {
  /** Creates the error; `transcript` is the helper's recent dialogue. */
  constructor(message: string, readonly transcript: string[]) {
    super(
      transcript.length
        ? `${message}\nhelper transcript (last ${transcript.length}):\n  ${
          transcript.join("\n  ")
        }`
        : message,
    );
    this.name = "HelperError";
  }
}

/** Raised by {@linkcode Helper.start} when the helper cannot be built here. */
export class HelperUnavailable extends Error {
  /** Creates the error with the reason the helper is missing. */
  constructor(readonly reason: string) {
    super(`C helper unavailable: ${reason}`);
    this.name = "HelperUnavailable";
  }
}

/** Options for {@linkcode Helper.start}. */
export interface HelperOptions {
  /** Per-command timeout in ms (default 5000). */
  timeoutMs?: number;
  /** A name for messages, e.g. `"client"`. */
  name?: string;
  /**
   * A command that runs the helper, e.g. `["unshare", "--net", "--"]` to
   * start it in a network namespace of its own (lib/netns): the helper's
   * path is appended. The command must exec the helper, so the helper is
   * still the process started, and it must be allowed to run.
   */
  prefix?: readonly string[];
}

/** A socket the helper opened, with its descriptor and addresses. */
export interface HelperSocket {
  /** The descriptor number inside the helper. */
  fd: number;
  /** Local address (after bind or connect). */
  local: Endpoint;
  /** Peer address, for a connected socket. */
  peer?: Endpoint;
  /** The answer that created it (timestamps included). */
  answer: Answer;
}

/** Both ends of a connection held by one helper. */
export interface HelperPair {
  /** The end that called connect(). */
  client: HelperSocket;
  /** The end accept() returned. */
  server: HelperSocket;
  /** The client's 4-tuple, for the state probe. */
  clientTuple: Tuple;
  /** The server's 4-tuple, for the state probe. */
  serverTuple: Tuple;
  /** connect()'s duration in µs: one loopback round trip plus overhead. */
  handshakeUs: number;
}

const TRANSCRIPT_LINES = 16;

/** The longest line the helper takes (MAX_LINE in closewait_helper.c). */
export const MAX_LINE_BYTES = 4096;

/**
 * One running helper process.
 *
 * @example Write to a socket whose peer closed (the seed's question)
 * ```ts ignore
 * import { Helper } from "./helper.ts";
 * await using h = await Helper.start();
 * const listener = await h.listen("127.0.0.1");
 * const client = await h.connect(listener.local);
 * const server = await h.accept(listener.fd);
 * await h.expectOk(`close ${client.fd}`);
 * const first = await h.run(`write ${server.fd} 123`); // ok ret=3
 * ```
 */
export class Helper implements AsyncDisposable {
  readonly #child: Deno.ChildProcess;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;
  readonly #lines: AsyncIterator<string>;
  readonly #timeoutMs: number;
  readonly #transcript: string[] = [];
  readonly #answers: Answer[] = [];
  #status: Promise<ExitStatus>;
  #exit: ExitStatus | undefined;
  #stderr = "";
  /** A label used in messages. */
  readonly name: string;

  private constructor(child: Deno.ChildProcess, options: HelperOptions) {
    this.#child = child;
    this.name = options.name ?? "helper";
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#stdin = child.stdin.getWriter();
    this.#lines = child.stdout
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(new TextLineStream() as TransformStream<string, string>)
      [Symbol.asyncIterator]();
    this.#status = child.status.then((s) => {
      this.#exit = { code: s.code, signal: s.signal };
      return this.#exit;
    });
    // Keep stderr short and drained so the child never blocks on it.
    child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
      new WritableStream({
        write: (chunk) => {
          this.#stderr = (this.#stderr + chunk).slice(-2000);
        },
      }),
    ).catch(() => {});
  }

  /**
   * Builds the helper if needed and starts a process of it.
   * Throws {@linkcode HelperUnavailable} when it cannot be built here.
   */
  static async start(options: HelperOptions = {}): Promise<Helper> {
    const built = await ensureHelper();
    if (!built.available) throw new HelperUnavailable(built.reason);
    const [program, ...args] = [...(options.prefix ?? []), built.path];
    const child = new Deno.Command(program, {
      args,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const helper = new Helper(child, options);
    try {
      const hello = await helper.run("hello");
      if (hello.kind !== "ok" || hello.fields.protocol !== PROTOCOL_VERSION) {
        throw new HelperError(
          `helper did not greet with protocol ${PROTOCOL_VERSION}`,
          helper.transcript,
        );
      }
    } catch (e) {
      await helper[Symbol.asyncDispose]();
      throw e;
    }
    return helper;
  }

  /** The last lines exchanged with the helper (`> cmd`, `< answer`). */
  get transcript(): string[] {
    return [...this.#transcript];
  }

  /**
   * Every answer so far, in order, with its command and timestamps: the
   * whole dialogue, for reports (the transcript keeps only the last lines).
   */
  get answers(): readonly Answer[] {
    return this.#answers;
  }

  /** The helper's process id (with a `prefix` that execs it, the helper's). */
  get pid(): number {
    return this.#child.pid;
  }

  /** How the process ended, once it has. */
  get exitStatus(): ExitStatus | undefined {
    return this.#exit;
  }

  #log(line: string) {
    this.#transcript.push(line);
    if (this.#transcript.length > TRANSCRIPT_LINES) this.#transcript.shift();
  }

  /**
   * Sends commands on one line so the helper runs them back to back (no
   * round trip in between), and returns one answer per command. If the
   * helper dies, the unanswered commands get `died` answers.
   */
  async batch(commands: string[]): Promise<Answer[]> {
    for (const c of commands) {
      if (!c.trim() || /[;\n\r\0]/.test(c)) {
        throw new HelperError(`not a single command: ${JSON.stringify(c)}`, []);
      }
    }
    const line = commands.join(" ; ");
    if (new TextEncoder().encode(line).length > MAX_LINE_BYTES) {
      throw new HelperError(
        `command line longer than the helper's ${MAX_LINE_BYTES} bytes`,
        [],
      );
    }
    this.#log(`> ${line}`);
    const answers: Answer[] = [];
    if (this.#exit === undefined) {
      try {
        await this.#stdin.write(new TextEncoder().encode(line + "\n"));
      } catch {
        // stdin closed: the helper is gone; answered as died below
      }
    }
    const deadline = performance.now() + this.#timeoutMs;
    while (answers.length < commands.length) {
      const next = await within(
        this.#lines.next(),
        Math.max(0, deadline - performance.now()),
      );
      if (next === TIMED_OUT) {
        this.#child.kill("SIGKILL");
        const exit = await this.#status;
        throw new HelperError(
          `${this.name}: no answer to "${
            commands[answers.length]
          }" within ${this.#timeoutMs} ms; killed (${
            exit.signal ?? exit.code
          })`,
          this.transcript,
        );
      }
      if (next.done) {
        const exit = await this.#status;
        for (const c of commands.slice(answers.length)) {
          const died = diedAnswer(c, exit);
          this.#log(`< (${brief(died)})`);
          answers.push(died);
          this.#answers.push(died);
        }
        break;
      }
      this.#log(`< ${next.value}`);
      const answer = parseAnswer(commands[answers.length], next.value);
      answers.push(answer);
      this.#answers.push(answer);
    }
    return answers;
  }

  /** Runs one command and returns its answer (`ok`, `fail`, `bad` or `died`). */
  async run(command: string): Promise<Answer> {
    return (await this.batch([command]))[0];
  }

  /** Runs one command that must succeed; throws with the transcript if not. */
  async expectOk(command: string): Promise<Answer> {
    const answer = await this.run(command);
    if (answer.kind !== "ok") {
      throw new HelperError(
        `${this.name}: "${command}" gave ${brief(answer)}`,
        this.transcript,
      );
    }
    return answer;
  }

  #socket(answer: Answer): HelperSocket {
    return {
      fd: answer.ret,
      local: parseEndpoint(answer.fields.local),
      peer: answer.fields.peer ? parseEndpoint(answer.fields.peer) : undefined,
      answer,
    };
  }

  /**
   * Listens on `address` (port 0: the kernel picks one), with `backlog`
   * (default 16) as listen()'s backlog.
   */
  async listen(address: string, port = 0, backlog = 16): Promise<HelperSocket> {
    return this.#socket(
      await this.expectOk(`listen ${address} ${port} ${backlog}`),
    );
  }

  /** Connects to `to`; the answer's t1 − t0 is one handshake round trip. */
  async connect(to: Endpoint): Promise<HelperSocket> {
    const host = to.address.includes(":") ? `[${to.address}]` : to.address;
    return this.#socket(await this.expectOk(`connect ${host} ${to.port}`));
  }

  /**
   * Binds a new socket to `address` port 0 without listening on it: a port
   * the kernel reserves for this socket, where a SYN draws an RST (no
   * listener), and that no other program can take while it is held.
   */
  async reservePort(address = "127.0.0.1"): Promise<HelperSocket> {
    const family = address.includes(":") ? 6 : 4;
    const fd = Number((await this.expectOk(`socket ${family}`)).fields.fd);
    const host = family === 6
      ? `[${address.replace(/^\[|\]$/g, "")}]`
      : address;
    const bound = await this.expectOk(`bind ${fd} ${host} 0`);
    return { ...this.#socket(bound), fd };
  }

  /** Accepts one connection on a listening descriptor. */
  async accept(listenFd: number): Promise<HelperSocket> {
    return this.#socket(
      await this.expectOk(`accept ${listenFd} ${this.#timeoutMs}`),
    );
  }

  /**
   * Opens a connected pair inside this helper, like the seed's
   * single-threaded program: listen on `address` port 0, connect, accept.
   * The listener is closed again; `handshakeUs` is connect()'s duration,
   * one loopback round trip plus the call's own cost. `beforeConnect` runs
   * between listen and connect (the wire layer starts its capture there).
   */
  pair(
    address = "127.0.0.1",
    beforeConnect?: (listening: Endpoint) => Promise<void>,
  ): Promise<HelperPair> {
    return this.#pairWith(address, async (listening) => {
      await beforeConnect?.(listening);
      return this.connect(listening);
    });
  }

  /**
   * A pair like {@linkcode Helper.pair}, but the client binds its port
   * (bind to port 0, then connect) instead of letting connect() pick one.
   * connect() may give a port that other sockets already use towards other
   * destinations, TIME_WAIT ones of earlier connections included, and
   * leaves a bound port alone: this client's address is its own, so a case
   * that binds it again after the client is gone sees only what the client
   * left (its TIME_WAIT, or nothing).
   */
  boundPair(address = "127.0.0.1"): Promise<HelperPair> {
    return this.#pairWith(address, async (listening) => {
      const reserved = await this.reservePort(address);
      const host = listening.address.includes(":")
        ? `[${listening.address}]`
        : listening.address;
      const connected = await this.expectOk(
        `connect-fd ${reserved.fd} ${host} ${listening.port}`,
      );
      return { ...this.#socket(connected), fd: reserved.fd };
    });
  }

  /** Listen, `connectClient`, accept, close the listener: the pair. */
  async #pairWith(
    address: string,
    connectClient: (listening: Endpoint) => Promise<HelperSocket>,
  ): Promise<HelperPair> {
    const listener = await this.listen(address);
    const client = await connectClient(listener.local);
    const server = await this.accept(listener.fd);
    await this.expectOk(`close ${listener.fd}`);
    return {
      client,
      server,
      clientTuple: { local: client.local, remote: server.local },
      serverTuple: { local: server.local, remote: client.local },
      handshakeUs: elapsedUs(client.answer.t0, client.answer.t1),
    };
  }

  /**
   * CLOCK_REALTIME − CLOCK_MONOTONIC in ns, so helper timestamps (`t0`,
   * `t1`) can be set against tcpdump's (which are realtime), and how far
   * off it may be. The helper reads realtime between two monotonic reads;
   * a sample stretched by an interrupt (a VM exit: tens of µs) says less,
   * so of `samples` readings the narrowest counts, and half its width is
   * the uncertainty.
   */
  async realtimeOffset(samples = 5): Promise<ClockOffset> {
    let best: ClockOffset | undefined;
    for (let i = 0; i < samples; i++) {
      const a = await this.expectOk("clock");
      const half = (a.t1 - a.t0 + 1n) / 2n;
      if (best === undefined || half < best.uncertaintyNs) {
        best = {
          offsetNs: BigInt(a.fields.real) - (a.t0 + a.t1) / 2n,
          uncertaintyNs: half,
        };
      }
    }
    return best!;
  }

  /** The kernel's TCP state of a descriptor (`tcp-info`), e.g. `CLOSE_WAIT`. */
  async tcpState(fd: number): Promise<string> {
    return (await this.expectOk(`tcp-info ${fd}`)).fields.state;
  }

  /** Waits for the process to end (after `exit`, or a fatal signal). */
  async exited(): Promise<ExitStatus> {
    const status = await within(this.#status, this.#timeoutMs);
    if (status === TIMED_OUT) {
      throw new HelperError(
        `${this.name}: still running ${this.#timeoutMs} ms after it should have ended`,
        this.transcript,
      );
    }
    return status;
  }

  /** Closes stdin (the helper exits on EOF), kills it if it lingers, reaps it. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.#stdin.close().catch(() => {});
    await within(this.#status, 1000);
    if (this.#exit === undefined) {
      try {
        this.#child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }
    await this.#status;
    // Drain stdout so its resource is released.
    await this.#lines.return?.();
  }

  /** What the helper wrote on stderr (normally nothing). */
  get stderr(): string {
    return this.#stderr;
  }
}
