/**
 * The wire layer's capture: tcpdump on loopback, filtered to one case's
 * listening port, started before the case connects (so the handshake is
 * in it) and proven to be capturing before the case proceeds.
 *
 * Ports come from the kernel (port 0), so a case listens first, then
 * starts the capture filtered to that port, then connects. Readiness is
 * never a sleep: after tcpdump prints `listening on lo`, the capture
 * connects to a probe port (reserved from the kernel and closed again, so
 * the probe is a SYN answered by an RST) until tcpdump prints that SYN.
 * Stopping sends one more probe and waits for it too: every segment the
 * case caused before it is then in tcpdump's output, since loopback hands
 * segments to the capture in the order they are sent. Probe segments are
 * kept out of the case's segments by their port.
 *
 * @module
 */

import type { Endpoint } from "../address/mod.ts";
import type { Segment } from "./segment.ts";
import {
  type Connection,
  connectionsOf,
  parseTcpdumpLine,
  type TcpdumpPacket,
} from "./tcpdump_text.ts";
import { LOOPBACK, tcpdumpArgs, TcpdumpProcess } from "./tcpdump.ts";
import { TIMED_OUT, within } from "../deadline/within.ts";
import { parseToken, tokenMatches } from "./sequence.ts";

/** Raised when a capture cannot start, or stops without proof it is whole. */
export class CaptureError extends Error {
  /** Creates the error; `stderr` is what tcpdump said. */
  constructor(message: string, readonly stderr: readonly string[] = []) {
    super(
      stderr.length
        ? `${message}\ntcpdump said:\n  ${stderr.join("\n  ")}`
        : message,
    );
    this.name = "CaptureError";
  }
}

/** Options for {@linkcode Capture.start}. */
export interface CaptureOptions {
  /** How long tcpdump gets to show it is capturing (ms, default 5000). */
  startTimeoutMs?: number;
  /** How long the end probe may take to show up (ms, default 3000). */
  stopTimeoutMs?: number;
}

/** How long the capture took to be ready, for the report. */
export interface CaptureStartup {
  /** Spawn → tcpdump's `listening on` line (ms). */
  listeningMs: number;
  /** Spawn → the first probe SYN seen in tcpdump's output (ms). */
  readyMs: number;
  /** Probes sent until one was seen. */
  probes: number;
}

/** What a stopped capture holds. */
export interface CaptureResult {
  /** The first connection to the listening endpoint (the case's pair). */
  segments: Segment[];
  /** Every connection to the listening endpoint, in order of first segment. */
  connections: Connection[];
  /** Epoch ns of `segments[0]` (CLOCK_REALTIME), to place system calls. */
  startNs?: bigint;
  /** tcpdump's lines for the case's segments (probes left out). */
  lines: string[];
  /** The command and filter, for reproducing the capture by hand. */
  description: string;
  /** How long the capture took to be ready. */
  startup: CaptureStartup;
}

const PROBE_INTERVAL_MS = 50;

/**
 * The longest a capture may live (s): longer than a case may (15 s), so it
 * only ever ends a capture whose test process died without stopping it.
 */
const CAPTURE_LIFETIME_S = 20;

function bpfHost(address: string): string {
  return address.replace(/^\[|\]$/g, "");
}

/** Connects to a closed port: one SYN, one RST back, no socket left over. */
async function probe(address: string, port: number): Promise<void> {
  const attempt = Deno.connect({ hostname: address, port }).then(
    (conn) => conn.close(),
    (e) => {
      if (!(e instanceof Deno.errors.ConnectionRefused)) throw e;
    },
  );
  if (await within(attempt, 2000) === TIMED_OUT) {
    throw new CaptureError(`probe connect to ${address}:${port} hung`);
  }
}

/**
 * A running capture of one case's connections.
 *
 * @example Capture a pair's handshake and teardown
 * ```ts ignore
 * import { Capture } from "./capture.ts";
 * const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
 * await using cap = await Capture.start({ address: "127.0.0.1", port: listener.addr.port });
 * const client = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
 * const server = await listener.accept();
 * client.close();
 * server.close();
 * listener.close();
 * const { segments } = await cap.stop(); // c:S s:S. c:. c:F. s:F. c:. ...
 * ```
 */
export class Capture implements AsyncDisposable {
  readonly #td: TcpdumpProcess;
  readonly #probePort: number;
  readonly #stopTimeoutMs: number;
  #stopping: Promise<CaptureResult> | undefined;
  /** The endpoint the case listens on; its segments are the capture's. */
  readonly listening: Endpoint;
  /** tcpdump's filter: the listening port and the probe port, on that host. */
  readonly filter: string;
  /** How long the capture took to be ready. */
  readonly startup: CaptureStartup;

  private constructor(
    td: TcpdumpProcess,
    listening: Endpoint,
    probePort: number,
    filter: string,
    startup: CaptureStartup,
    stopTimeoutMs: number,
  ) {
    this.#td = td;
    this.listening = listening;
    this.#probePort = probePort;
    this.filter = filter;
    this.startup = startup;
    this.#stopTimeoutMs = stopTimeoutMs;
  }

  /**
   * Starts tcpdump on loopback for `listening` (the case's listening
   * address and port) and returns once a probe proved it is capturing.
   * Throws {@linkcode CaptureError} (tcpdump reaped) if it does not get
   * there in time, and {@linkcode TcpdumpUnavailable} if tcpdump cannot be
   * run at all.
   */
  static async start(
    listening: Endpoint,
    options: CaptureOptions = {},
  ): Promise<Capture> {
    const address = bpfHost(listening.address);
    const startTimeoutMs = options.startTimeoutMs ?? 5000;
    // A port the kernel hands out and nobody listens on once closed.
    const reserved = Deno.listen({ hostname: address, port: 0 });
    const probePort = reserved.addr.port;
    reserved.close();
    const filter =
      `tcp and host ${address} and (port ${listening.port} or port ${probePort})`;
    const td = TcpdumpProcess.spawn(
      tcpdumpArgs(filter),
      "tcpdump",
      CAPTURE_LIFETIME_S,
    );
    try {
      if (!await td.waitFor(() => td.listening, startTimeoutMs)) {
        throw new CaptureError(
          td.exitStatus
            ? `tcpdump exited (code ${td.exitStatus.code}) before capturing`
            : `tcpdump did not start capturing within ${startTimeoutMs} ms`,
          td.stderr,
        );
      }
      const listeningMs = performance.now() - td.spawnedAt;
      const seen = () => probesSeen(td.stdout, probePort);
      const deadline = td.spawnedAt + startTimeoutMs;
      let probes = 0;
      while (seen() === 0) {
        const remaining = deadline - performance.now();
        if (remaining <= 0 || td.exitStatus) {
          throw new CaptureError(
            `no probe seen in tcpdump's output after ${probes} probes in ${startTimeoutMs} ms`,
            td.stderr,
          );
        }
        await probe(address, probePort);
        probes++;
        await td.waitFor(
          () => seen() > 0,
          Math.min(PROBE_INTERVAL_MS, remaining),
        );
      }
      const startup = {
        listeningMs: round(listeningMs),
        readyMs: round(performance.now() - td.spawnedAt),
        probes,
      };
      return new Capture(
        td,
        { address, port: listening.port },
        probePort,
        filter,
        startup,
        options.stopTimeoutMs ?? 3000,
      );
    } catch (e) {
      await td.stop();
      throw e;
    }
  }

  /** The case's segments captured so far (first connection). */
  segmentsSoFar(): Segment[] {
    return connectionsOf(this.#packets(), this.listening)[0]?.segments ?? [];
  }

  /**
   * Waits until a segment matching `token` (e.g. `c:R`, `s:F.`) shows up
   * in the case's first connection, after the first segment matching
   * `options.after` if given; returns it, or `undefined` after
   * `options.timeoutMs` (default 2000). For segments the case cannot wait
   * for through a system call, such as the last ACK of a closing
   * handshake: `await cap.waitFor("c:.", { after: "s:F." })`.
   */
  async waitFor(
    token: string,
    options: { after?: string; timeoutMs?: number } = {},
  ): Promise<Segment | undefined> {
    const want = parseToken(token);
    const after = options.after === undefined
      ? undefined
      : parseToken(options.after);
    const find = () => {
      const segments = this.segmentsSoFar();
      const from = after
        ? segments.findIndex((s) => tokenMatches(after, s)) + 1
        : 0;
      if (after && from === 0) return undefined;
      return segments.slice(from).find((s) => tokenMatches(want, s));
    };
    await this.#td.waitFor(
      () => find() !== undefined,
      options.timeoutMs ?? 2000,
    );
    return find();
  }

  #packets(): TcpdumpPacket[] {
    return this.#td.stdout.map(parseTcpdumpLine).filter((p) =>
      p !== undefined && p.src.port !== this.#probePort &&
      p.dst.port !== this.#probePort
    ) as TcpdumpPacket[];
  }

  /**
   * Proves the capture whole (an end probe shows up in tcpdump's output),
   * stops and reaps tcpdump, and returns the case's segments. Throws
   * {@linkcode CaptureError} after reaping if the end probe never shows or
   * the kernel dropped packets. Safe to call more than once.
   */
  stop(): Promise<CaptureResult> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<CaptureResult> {
    const td = this.#td;
    let whole = false;
    let probeError: unknown;
    try {
      const before = probesSeen(td.stdout, this.#probePort);
      await probe(this.listening.address, this.#probePort);
      whole = await td.waitFor(
        () => probesSeen(td.stdout, this.#probePort) > before,
        this.#stopTimeoutMs,
      );
    } catch (e) {
      probeError = e;
    } finally {
      await td.stop();
    }
    if (!whole) {
      throw new CaptureError(
        `capture not proven whole: the end probe did not show up within ${this.#stopTimeoutMs} ms${
          probeError ? ` (${(probeError as Error).message})` : ""
        }`,
        td.stderr,
      );
    }
    const dropped = td.stderr.map((l) =>
      /^(\d+) packets? dropped by kernel/.exec(l)
    ).find((m) => m);
    if (dropped && Number(dropped[1]) > 0) {
      throw new CaptureError(
        `the kernel dropped ${dropped[1]} packets: the capture is incomplete`,
        td.stderr,
      );
    }
    const packets = this.#packets();
    const connections = connectionsOf(packets, this.listening);
    return {
      segments: connections[0]?.segments ?? [],
      startNs: connections[0]?.startNs,
      connections,
      lines: packets.map((p) => p.line),
      description: `tcpdump ${
        tcpdumpArgs(this.filter).map((a) => a.includes(" ") ? `'${a}'` : a)
          .join(" ")
      } (on ${LOOPBACK}; port ${this.#probePort} is the readiness probe)`,
      startup: this.startup,
    };
  }

  /** Stops and reaps tcpdump if the case did not (errors are dropped). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop().catch(() => {});
  }
}

function probesSeen(lines: readonly string[], probePort: number): number {
  let n = 0;
  for (const line of lines) {
    const p = parseTcpdumpLine(line);
    if (p && p.dst.port === probePort && p.flags === "S") n++;
  }
  return n;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
