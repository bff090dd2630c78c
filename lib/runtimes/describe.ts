/**
 * Observation strings for the node layer: a socket's events, an error, a
 * call's outcome, written the way the node-layer expectations are.
 *
 * @module
 */

import type { NodeCall, NodeError, NodeEvent } from "./driver.ts";

/**
 * An error as `code syscall "message"`, leaving out what it lacks:
 * `ECONNRESET read "read ECONNRESET"`, `EPIPE "This socket has been ended
 * by the other party"`, `Error "boom"` (no code: the name).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { describeNodeError } from "./describe.ts";
 * assertEquals(
 *   describeNodeError({ code: "ECONNRESET", syscall: "read", message: "read ECONNRESET" }),
 *   'ECONNRESET read "read ECONNRESET"',
 * );
 * ```
 */
export function describeNodeError(e: Partial<NodeError>): string {
  return [
    e.code ?? e.name ?? "Error",
    ...(e.syscall ? [e.syscall] : []),
    JSON.stringify(e.message ?? ""),
  ].join(" ");
}

/** One event, briefly: `data "hello"`, `error ECONNRESET`, `close(hadError)`. */
export function describeEvent(e: NodeEvent): string {
  switch (e.event) {
    case "data":
      return `data ${JSON.stringify(e.detail?.text ?? "")}`;
    case "close":
      return e.detail?.hadError ? "close(hadError)" : "close";
    case "error":
      return `error ${e.detail?.code ?? e.detail?.name ?? "?"}`;
    case "write-cb":
      return e.detail
        ? `write-cb ${e.detail.code ?? e.detail.name ?? "error"}`
        : "write-cb ok";
    case "react": {
      const d = e.detail;
      return d?.threw
        ? `react threw ${d.threw.code ?? d.threw.name}`
        : `react returned ${String(d?.returned)}`;
    }
    default:
      return e.event;
  }
}

/**
 * The events after `afterSeq` (all when omitted), in order, as one line:
 * `end, finish, close`; `none` when there were none. Consecutive `data`
 * events are joined into one, since how bytes are split into chunks is not
 * the runtime's promise.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { describeEvents } from "./describe.ts";
 * assertEquals(
 *   describeEvents([
 *     { seq: 0, t: 1, event: "end" },
 *     { seq: 1, t: 1, event: "finish" },
 *     { seq: 2, t: 2, event: "close", detail: { hadError: false } },
 *   ]),
 *   "end, finish, close",
 * );
 * ```
 */
export function describeEvents(log: NodeEvent[], afterSeq = -1): string {
  const shown: NodeEvent[] = [];
  for (const e of log.filter((e) => e.seq > afterSeq)) {
    const last = shown.at(-1);
    if (e.event === "data" && last?.event === "data") {
      shown[shown.length - 1] = {
        ...last,
        detail: { text: (last.detail?.text ?? "") + (e.detail?.text ?? "") },
      };
    } else {
      shown.push(e);
    }
  }
  return shown.length ? shown.map(describeEvent).join(", ") : "none";
}

/** The events with their times (ms since the driver started), for details. */
export function timeline(log: NodeEvent[], afterSeq = -1): string {
  return log.filter((e) => e.seq > afterSeq).map((e) =>
    `${e.t} ms ${describeEvent(e)}${
      e.event === "error" || (e.event === "write-cb" && e.detail)
        ? ` ${describeNodeError(e.detail as NodeError)}`
        : ""
    }`
  ).join("; ");
}

/**
 * The errors a socket emitted (`'error'` events) after `afterSeq`, each as
 * {@linkcode describeNodeError}, joined by `; `; `none` without one.
 */
export function describeErrors(log: NodeEvent[], afterSeq = -1): string {
  const errors = log.filter((e) => e.seq > afterSeq && e.event === "error");
  return errors.length
    ? errors.map((e) => describeNodeError(e.detail as NodeError)).join("; ")
    : "none";
}

/**
 * The callback errors of writes after `afterSeq`: `ok` or the error, in
 * order; `no callback` when none was called.
 */
export function describeWriteCallbacks(
  log: NodeEvent[],
  afterSeq = -1,
): string {
  const calls = log.filter((e) => e.seq > afterSeq && e.event === "write-cb");
  return calls.length
    ? calls.map((e) => e.detail ? describeNodeError(e.detail) : "ok").join(
      "; ",
    )
    : "no callback";
}

/**
 * A call's outcome: `returned true`, `returned socket`, or `threw
 * ERR_SOCKET_CLOSED "..."`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { describeCall } from "./describe.ts";
 * assertEquals(describeCall({ returned: false }), "returned false");
 * ```
 */
export function describeCall(call: NodeCall): string {
  return call.threw
    ? `threw ${describeNodeError(call.threw)}`
    : `returned ${String(call.returned)}`;
}

/** The highest sequence number in a log (−1 when empty): a mark for "after". */
export function lastSeq(log: NodeEvent[]): number {
  return log.reduce((m, e) => Math.max(m, e.seq), -1);
}
