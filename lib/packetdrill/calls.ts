/**
 * The system under test's side of a transcript: which helper played the
 * listening end of the captured connection, and its calls on that
 * connection's descriptors, each turned into packetdrill's syscall lines.
 *
 * Helper commands map as in the notes' recipe: `listen` → socket,
 * setsockopt(SO_REUSEADDR), bind, listen; `accept` → accept; `write`,
 * `send`, `read`, `shutdown`, `close`, `poll`, `linger` (SO_LINGER),
 * `nodelay` (TCP_NODELAY) → the same call; `so-error` →
 * getsockopt(SO_ERROR); `tcp-info` → a `%{ assert tcpi_state == ... }%`
 * check; `exit` → close() of every descriptor still open (packetdrill
 * cannot exit the system under test; for TCP the kernel does the same).
 * Calls on other descriptors (the peer's end when one helper holds both)
 * are the peer's: their effect is in the injected segments.
 *
 * @module
 */

import type { HelperTranscript, TranscriptCall } from "../case/result.ts";
import { failedResult } from "./errno.ts";
import type { CaptureInput } from "./input.ts";

/** A call of the system under test, as script lines. */
export interface SutCall {
  /** The helper command, e.g. `write 5 123`. */
  command: string;
  /** Before the call, ns since the case's first helper call. */
  t0: number;
  /** After the call. */
  t1: number;
  /**
   * Whether the call may wait for the peer (read, poll, accept): placed
   * after every injected segment that arrived before it returned.
   */
  waits: boolean;
  /** packetdrill lines, without the time column. */
  lines: string[];
  /** A `%{ ... }%` check (TCP_INFO) rather than a system call. */
  check?: boolean;
  /**
   * A blocking connect(): its last line is written with packetdrill's
   * end time (`...T`), the time of the segment that ends it.
   */
  blocking?: boolean;
  /** The helper command's name: `write`, `read`, `poll`, `close`, ... */
  name: string;
  /** Its return value. */
  ret: number;
  /** Its errno, when it failed. */
  errno?: string;
  /** poll's revents, e.g. `POLLERR|POLLHUP`. */
  revents?: string;
  /** The call was on the listening socket (a poll for accept). */
  onListener?: boolean;
}

/** A call of the peer on the captured connection (its effect is injected). */
export interface PeerCall {
  /** The helper command's name: `write`, `close`, `shutdown`, `exit`, ... */
  name: string;
  /** The helper command. */
  command: string;
  /** Its return value. */
  ret: number;
  /** Before the call. */
  t0: number;
  /** After the call. */
  t1: number;
}

/** The connection as the transcripts show it. */
export interface Roles {
  /** Which end is under test: the listening one when a helper listened. */
  side: "server" | "client";
  /** The helper whose calls the script makes (the SUT). */
  sut: HelperTranscript;
  /** The `connect` that opened the captured connection, if a helper made it. */
  connect?: TranscriptCall;
  /** The SUT's calls, in order. */
  calls: SutCall[];
  /** The peer's calls on its end of the connection, when a helper made them. */
  peerCalls: PeerCall[];
}

/** Why a transcript cannot be scripted. */
export class NotExpressible extends Error {
  /** Creates the reason. */
  constructor(message: string) {
    super(message);
    this.name = "NotExpressible";
  }
}

function portOf(endpoint: string | undefined): number | undefined {
  const m = /:(\d+)$/.exec(endpoint ?? "");
  return m ? Number(m[1]) : undefined;
}

/** `key=value` words of an answer line. */
function fields(answer: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const word of answer.trim().split(/\s+/).slice(1)) {
    const eq = word.indexOf("=");
    if (eq > 0) out[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return out;
}

const POLL_EVENTS: Record<string, string> = {
  in: "POLLIN",
  out: "POLLOUT",
  rdhup: "POLLRDHUP",
  pri: "POLLPRI",
};

function pollEvents(spec: string): string {
  if (spec === "-") return "0";
  return spec.split(/[,|]/).map((e) => {
    const name = POLL_EVENTS[e];
    if (!name) throw new NotExpressible(`poll event "${e}" is not known`);
    return name;
  }).join("|");
}

/** The helper's `setopt`/`getopt` names: level and option. */
const SOCKOPTS: Record<string, [string, string]> = {
  reuseaddr: ["SOL_SOCKET", "SO_REUSEADDR"],
  rcvbuf: ["SOL_SOCKET", "SO_RCVBUF"],
  sndbuf: ["SOL_SOCKET", "SO_SNDBUF"],
  keepalive: ["SOL_SOCKET", "SO_KEEPALIVE"],
  nodelay: ["SOL_TCP", "TCP_NODELAY"],
  linger2: ["SOL_TCP", "TCP_LINGER2"],
  "user-timeout": ["SOL_TCP", "TCP_USER_TIMEOUT"],
  keepidle: ["SOL_TCP", "TCP_KEEPIDLE"],
  keepintvl: ["SOL_TCP", "TCP_KEEPINTVL"],
  keepcnt: ["SOL_TCP", "TCP_KEEPCNT"],
};

function payloadLength(word: string): number {
  return word.startsWith("*") ? Number(word.slice(1)) : word.length;
}

function result(call: TranscriptCall): string {
  if (call.kind === "fail") {
    if (!call.errno || /^E\d+$/.test(call.errno)) {
      throw new NotExpressible(
        `"${call.command}" failed with an errno packetdrill has no name for (${call.errno})`,
      );
    }
    return failedResult(call.errno);
  }
  return String(call.ret);
}

/** Which helper listened on the captured port, and with which call. */
function findListener(
  transcripts: readonly HelperTranscript[],
  capture: CaptureInput,
): HelperTranscript | undefined {
  return transcripts.find((t) =>
    t.calls.some((c) =>
      c.kind === "ok" && /^listen\s/.test(c.command) &&
      portOf(fields(c.answer).local) === capture.port
    )
  );
}

function findConnect(
  transcripts: readonly HelperTranscript[],
  capture: CaptureInput,
): TranscriptCall | undefined {
  for (const t of transcripts) {
    const c = t.calls.find((c) =>
      (c.kind === "ok" || c.kind === "fail") && /^connect\s/.test(c.command) &&
      Number(c.command.trim().split(/\s+/)[2]) === capture.port
    );
    if (c) return c;
  }
  return undefined;
}

/**
 * Finds the system under test and turns its calls on the captured
 * connection into script lines. Throws {@linkcode NotExpressible} with the
 * reason when the transcripts cannot be scripted.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { rolesOf } from "./calls.ts";
 * const call = (command: string, answer: string, t: number) => ({
 *   command, answer, kind: "ok" as const, ret: Number(/ret=(-?\d+)/.exec(answer)![1]), t0Ns: t, t1Ns: t + 10,
 * });
 * const roles = rolesOf([{
 *   helper: "helper",
 *   calls: [
 *     call("listen 127.0.0.1 0", "ok ret=3 fd=3 local=127.0.0.1:4000", 0),
 *     call("connect 127.0.0.1 4000", "ok ret=4 fd=4 local=127.0.0.1:5000 peer=127.0.0.1:4000", 100),
 *     call("accept 3 5000", "ok ret=5 fd=5 local=127.0.0.1:4000 peer=127.0.0.1:5000", 200),
 *     call("close 4", "ok ret=0", 300),
 *     call("read 5 16 1000", "ok ret=0", 400),
 *   ],
 * }], { family: "ipv4", address: "127.0.0.1", port: 4000, segments: [] });
 * assertEquals(roles.calls.map((c) => c.lines.join("; ")), [
 *   "socket(..., SOCK_STREAM, IPPROTO_TCP) = 3; setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0; bind(3, ..., ...) = 0; listen(3, 16) = 0",
 *   "accept(3, ..., ...) = 4",
 *   "read(4, ..., 16) = 0",
 * ]);
 * ```
 */
export function rolesOf(
  transcripts: readonly HelperTranscript[],
  capture: CaptureInput,
): Roles {
  const listener = findListener(transcripts, capture);
  const connect = findConnect(transcripts, capture);
  const side = listener ? "server" : "client";
  const sut = listener ??
    transcripts.find((t) => connect && t.calls.includes(connect));
  if (!sut) {
    throw new NotExpressible(
      `no helper call listened on or connected to port ${capture.port}: the connection was not the helper's (a Deno-layer case?)`,
    );
  }
  const calls: SutCall[] = [];
  const fdMap = new Map<number, number>(); // helper fd → script fd
  let nextFd = 3;
  let listenFd: number | undefined;
  let accepted = false;
  const script = (fd: number) => fdMap.get(fd);
  for (const call of sut.calls) {
    const words = call.command.trim().split(/\s+/);
    const [name] = words;
    const fd = Number(words[1]);
    const at = { t0: call.t0Ns ?? NaN, t1: call.t1Ns ?? call.t0Ns ?? NaN };
    const push = (
      lines: string[],
      waits = false,
      check = false,
      blocking = false,
    ) => {
      if (call.kind === "died") {
        throw new NotExpressible(
          `the helper died in "${call.command}"${
            sut.exit ? ` (${sut.exit})` : ""
          }: packetdrill ignores SIGPIPE and cannot script a death`,
        );
      }
      if (call.kind === "bad") {
        throw new NotExpressible(
          `the helper rejected "${call.command}": ${call.answer}`,
        );
      }
      if (Number.isNaN(at.t0)) {
        throw new NotExpressible(`"${call.command}" carries no timestamps`);
      }
      const revents = fields(call.answer).revents;
      calls.push({
        command: call.command,
        ...at,
        waits,
        lines,
        check,
        ...(blocking ? { blocking } : {}),
        name,
        ret: call.ret,
        ...(call.errno ? { errno: call.errno } : {}),
        ...(revents ? { revents } : {}),
        ...(listenFd !== undefined && fd === listenFd
          ? { onListener: true }
          : {}),
      });
    };
    if (name === "listen") {
      if (side !== "server") continue;
      if (portOf(fields(call.answer).local) !== capture.port) continue;
      if (call.kind !== "ok") continue;
      const s = nextFd++;
      fdMap.set(call.ret, s);
      listenFd = call.ret;
      const backlog = words[3] ?? "16";
      push([
        "socket(..., SOCK_STREAM, IPPROTO_TCP) = " + s,
        `setsockopt(${s}, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0`,
        `bind(${s}, ..., ...) = 0`,
        `listen(${s}, ${backlog}) = 0`,
      ]);
      continue;
    }
    if (name === "connect" && side === "client" && call === connect) {
      const s = nextFd++;
      const nonblock = words[3] === "nonblock";
      if (call.kind === "ok") fdMap.set(call.ret, s);
      const lines = ["socket(..., SOCK_STREAM, IPPROTO_TCP) = " + s];
      if (nonblock) lines.push(`fcntl(${s}, F_SETFL, O_RDWR|O_NONBLOCK) = 0`);
      lines.push(`connect(${s}, ..., ...) = ${result(call)}`);
      push(lines, false, false, !nonblock);
      if (call.kind === "fail" && !(nonblock && call.errno === "EINPROGRESS")) {
        // The helper closes a socket whose connect() failed, once it
        // returned (which also lets packetdrill's blocking call finish
        // before the script ends).
        calls.push({
          command: call.command,
          t0: at.t1,
          t1: at.t1,
          waits: true,
          lines: [`close(${s}) = 0`],
          name: "close",
          ret: 0,
        });
      } else if (nonblock) fdMap.set(Number(fields(call.answer).fd), s);
      continue;
    }
    if (name === "exit") {
      if (call.kind === "bad") continue;
      const open = [...fdMap.values()].sort((a, b) => a - b);
      fdMap.clear();
      if (open.length) push(open.map((s) => `close(${s}) = 0`));
      continue;
    }
    if (name === "sigpipe" || name === "hello" || name === "clock") {
      if (call.kind === "died") push([]);
      continue;
    }
    const s = script(fd);
    if (s === undefined) continue; // not the SUT's end of this connection
    switch (name) {
      case "accept": {
        if (fd !== listenFd || accepted) continue;
        if (call.kind === "fail") {
          throw new NotExpressible(
            `accept on the captured port failed (${call.errno})`,
          );
        }
        accepted = true;
        const n = nextFd++;
        if (call.kind === "ok") fdMap.set(call.ret, n);
        push([`accept(${s}, ..., ...) = ${n}`], true);
        break;
      }
      case "close":
        push([`close(${s}) = ${result(call)}`]);
        if (call.kind === "ok") fdMap.delete(fd);
        break;
      case "write":
        push([
          `write(${s}, ..., ${payloadLength(words[2])}) = ${result(call)}`,
        ]);
        break;
      case "send":
        push([
          `send(${s}, ..., ${payloadLength(words[2])}, ${
            words[3] === "nosignal" ? "MSG_NOSIGNAL" : "0"
          }) = ${result(call)}`,
        ]);
        break;
      case "read":
        if (call.kind === "fail" && fields(call.answer).timeout === "1") {
          throw new NotExpressible(
            `"${call.command}" timed out waiting: a blocking wait is not scripted`,
          );
        }
        push([`read(${s}, ..., ${words[2]}) = ${result(call)}`], true);
        break;
      case "poll": {
        if (call.kind === "ok" && call.ret === 0) {
          throw new NotExpressible(
            `"${call.command}" timed out waiting: a blocking wait is not scripted`,
          );
        }
        const revents = fields(call.answer).revents;
        const re = !revents || revents === "none" ? "0" : revents;
        push([
          `poll([{fd=${s}, events=${
            pollEvents(words[2])
          }, revents=${re}}], 1, ${words[3]}) = ${result(call)}`,
        ], true);
        break;
      }
      case "shutdown": {
        const how = { rd: "SHUT_RD", wr: "SHUT_WR", rdwr: "SHUT_RDWR" }[
          words[2]
        ];
        push([`shutdown(${s}, ${how}) = ${result(call)}`]);
        break;
      }
      case "linger":
        push([
          `setsockopt(${s}, SOL_SOCKET, SO_LINGER, {onoff=${words[2]}, linger=${
            words[3]
          }}, 8) = ${result(call)}`,
        ]);
        break;
      case "nodelay":
        push([
          `setsockopt(${s}, SOL_TCP, TCP_NODELAY, [${words[2]}], 4) = ${
            result(call)
          }`,
        ]);
        break;
      case "setopt":
      case "getopt": {
        const [level, opt] = SOCKOPTS[words[2]] ?? [];
        if (!level) {
          throw new NotExpressible(
            `"${call.command}": option ${
              words[2]
            } has no packetdrill form here`,
          );
        }
        const value = fields(call.answer).value;
        const lines = name === "setopt"
          ? [
            `setsockopt(${s}, ${level}, ${opt}, [${words[3]}], 4) = ${
              result(call)
            }`,
          ]
          : [];
        // The helper reads the value back (setopt) or reads it (getopt).
        if (value !== undefined) {
          lines.push(
            `getsockopt(${s}, ${level}, ${opt}, [${value}], [4]) = 0`,
          );
        } else if (name === "getopt") {
          lines.push(
            `getsockopt(${s}, ${level}, ${opt}, [0], [4]) = ${result(call)}`,
          );
        }
        push(lines);
        break;
      }
      case "nread":
        push([
          `ioctl(${s}, FIONREAD, [${fields(call.answer).bytes ?? 0}]) = ${
            result(call)
          }`,
        ]);
        break;
      case "so-error": {
        const value = fields(call.answer).so_error ?? "0";
        push([
          `getsockopt(${s}, SOL_SOCKET, SO_ERROR, [${value}], [4]) = ${
            result(call)
          }`,
        ]);
        break;
      }
      case "tcp-info": {
        const state = fields(call.answer).state;
        if (call.kind !== "ok" || !state || state === "?") {
          throw new NotExpressible(
            `"${call.command}" gave no TCP state to check (${call.answer})`,
          );
        }
        push(
          [`%{ assert tcpi_state == TCP_${state}, tcpi_state }%`],
          false,
          true,
        );
        break;
      }
      default:
        throw new NotExpressible(
          `"${call.command}" has no packetdrill equivalent here`,
        );
    }
  }
  return {
    side,
    sut,
    connect,
    calls,
    peerCalls: side === "server" ? peerCallsOf(transcripts, connect) : [],
  };
}

/** The peer's calls on the end `connect` opened, up to its close or exit. */
function peerCallsOf(
  transcripts: readonly HelperTranscript[],
  connect: TranscriptCall | undefined,
): PeerCall[] {
  if (!connect) return [];
  const owner = transcripts.find((t) => t.calls.includes(connect));
  if (!owner) return [];
  const out: PeerCall[] = [];
  const fd = connect.ret;
  for (const call of owner.calls.slice(owner.calls.indexOf(connect) + 1)) {
    const words = call.command.trim().split(/\s+/);
    const mine = words[0] === "exit" || Number(words[1]) === fd;
    if (!mine || call.t0Ns === undefined) continue;
    out.push({
      name: words[0],
      command: call.command,
      ret: call.ret,
      t0: call.t0Ns,
      t1: call.t1Ns ?? call.t0Ns,
    });
    if (words[0] === "exit" || words[0] === "close") break;
  }
  return out;
}
