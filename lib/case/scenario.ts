/**
 * A conformance case: registers one `Deno.test` per case and layer, checks
 * each step against the platform's expectation, and records the result.
 *
 * A step that differs from its expectation fails the test at once with what
 * was expected, what was observed, the step, the platform, and the helper's
 * transcript. A step with no recorded expectation is shown as unjudged; a
 * step that shows a documented deviation is shown as a known deviation.
 * Both pass in `deno test` and are flagged in the report.
 *
 * @module
 */

import {
  type CaseExpectations,
  describeExpected,
  type Expectation,
  expectationFor,
  type ExpectationTables,
  type Layer,
  matches,
  withCaseExpectations,
} from "../expectations/mod.ts";
import type { Endpoint, Tuple } from "../address/mod.ts";
import { Helper, type HelperOptions } from "../helper/helper.ts";
import { describeExit } from "../helper/protocol.ts";
import {
  Capture,
  type CaptureOptions,
  type CaptureResult,
} from "../wire/capture.ts";
import { renderSegments } from "../wire/render.ts";
import { wireHelperPair, type WirePair } from "../wire/pair.ts";
import { matchSequence, sequenceOf, sideBySide } from "../wire/sequence.ts";
import { currentPlatform, type Platform } from "../platform/platform.ts";
import {
  requiredByRun,
  type Requirement,
  unmetRequirement,
  verdictFor,
} from "./requirements.ts";
import {
  type CaseResult,
  emitResult,
  type HelperTranscript,
  type StepResult,
  type Timing,
  worstStatus,
} from "./result.ts";
import type { Trace } from "../wire/segment.ts";
import { judgeReset } from "../rst_timing/bound.ts";
import type { WireReset } from "../rst_timing/wire.ts";
import { TIMED_OUT, within } from "../deadline/within.ts";
import {
  type RowReader,
  tableRowReader,
  type TcpState,
  waitForReceiveQueue,
  waitForState,
} from "../sockets/state.ts";
import { helperRowReader } from "../sockets/helper_reader.ts";

/** Raised when an observation differs from its expectation. */
export class ExpectationFailure extends Error {
  /** Creates the failure for one step. */
  constructor(message: string, readonly step: StepResult) {
    super(message);
    this.name = "ExpectationFailure";
  }
}

/** How long a state is awaited before its last reading is judged (ms). */
const STATE_DEADLINE_MS = 3000;

/** The running case handed to a case's body. */
export class Scenario {
  /** Steps checked so far, in order. */
  readonly steps: StepResult[] = [];
  /** Figures recorded so far. */
  readonly timings: Timing[] = [];
  /** Wire evidence, set by wire-layer cases; it goes into the result. */
  trace?: Trace;
  readonly #helpers: Helper[] = [];
  readonly #captures: Capture[] = [];
  #stateReader?: Promise<RowReader>;
  #stateProbe?: Helper;

  /** Creates a scenario for one case at one layer on one platform. */
  constructor(
    readonly id: string,
    readonly layer: Layer,
    readonly platform: Platform = currentPlatform(),
    readonly tables?: ExpectationTables,
  ) {}

  #expectation(step: string): Expectation | undefined {
    return expectationFor(
      this.platform,
      this.id,
      this.layer,
      step,
      this.tables,
    );
  }

  /** `tcp-write-after-peer-close [syscall]`. */
  get title(): string {
    return `${this.id} [${this.layer}]`;
  }

  /**
   * Judges one observation against the platform's expectation for `step`
   * and records it. Throws {@linkcode ExpectationFailure} on a mismatch.
   */
  check(step: string, observed: string, detail?: string): void {
    const e = this.#expectation(step);
    const result: StepResult = { step, observed, detail, status: "passed" };
    this.steps.push(result);
    if (!e) {
      result.status = "unjudged";
      return;
    }
    result.expected = describeExpected(e);
    result.source = e.source;
    if (e.knownDeviation && observed === e.knownDeviation.observed) {
      result.status = "known-deviation";
      result.issue = e.knownDeviation.issue;
      return;
    }
    const fixed = e.knownDeviation !== undefined && matches(e, observed);
    if (matches(e, observed) && !fixed) {
      result.status = "passed";
      return;
    }
    result.status = "failed";
    const lines = [
      `${this.title}, step "${step}":`,
      `  expected: ${result.expected}`,
      detail?.includes("\n")
        ? `  observed: ${observed}\n    ${detail.replaceAll("\n", "\n    ")}`
        : `  observed: ${observed}${detail ? `  (${detail})` : ""}`,
    ];
    if (fixed) {
      lines.push(
        `  expectation outdated: the known deviation (${
          e.knownDeviation!.observed
        }, ${e.knownDeviation!.issue})` +
          ` no longer reproduces; remove it from the expectation data`,
      );
    } else if (e.knownDeviation) {
      lines.push(
        `  known deviation recorded: ${e.knownDeviation.observed} (${e.knownDeviation.issue});` +
          ` neither it nor the expectation was observed`,
      );
    }
    lines.push(
      `  source:   ${e.source}`,
      `  platform: ${describePlatform(this.platform)}`,
    );
    throw new ExpectationFailure(lines.join("\n"), result);
  }

  /**
   * Waits (with a deadline) for a connection to reach the state the
   * platform expects at this step, then judges the last state read. States
   * move on their own (FIN_WAIT1 becomes FIN_WAIT2 once the FIN is ACKed),
   * so a single reading would race; this never sleeps a fixed time.
   */
  async checkState(step: string, tuple: Tuple): Promise<TcpState> {
    const e = this.#expectation(step);
    const want =
      (e
        ? (typeof e.expect === "string" ? [e.expect] : e.expect)
        : []) as TcpState[];
    const wait = await waitForState(
      tuple,
      want,
      e ? STATE_DEADLINE_MS : 0,
      await this.#rowReader(),
    );
    this.check(
      step,
      wait.state,
      `${endpoint(tuple.local)} → ${endpoint(tuple.remote)}; seen ${
        wait.seen.join(" → ")
      } in ${wait.waitedMs.toFixed(1)} ms`,
    );
    return wait.state;
  }

  /**
   * Waits (with a deadline) until `bytes` or more sit unread in the receive
   * queue of `tuple`, so the case knows its data arrived before it acts on
   * it. Returns the queue length last seen (`undefined` where the state
   * table shows none).
   */
  async receiveQueue(
    tuple: Tuple,
    bytes: number,
    timeoutMs: number,
  ): Promise<
    { queued: number | undefined; reached: boolean; waitedMs: number }
  > {
    return waitForReceiveQueue(
      tuple,
      bytes,
      timeoutMs,
      await this.#rowReader(),
    );
  }

  /**
   * How this case reads socket states: on Linux, a C helper of its own
   * (one line per reading) when the helper can run here; otherwise the
   * state table, read by a process per reading (`cat /proc/net/tcp`,
   * `netstat`).
   */
  #rowReader(): Promise<RowReader> {
    return this.#stateReader ??= (async () => {
      if (
        currentPlatform().os !== "linux" ||
        await unmetRequirement(["helper"]) !== undefined
      ) {
        return tableRowReader;
      }
      this.#stateProbe = await Helper.start({ name: "state-probe" });
      return helperRowReader(this.#stateProbe);
    })();
  }

  /**
   * Judges a captured connection (a wire step) against the platform's
   * expected sequence for `step`, with the tolerances of
   * `lib/wire_sequence.ts`. The observation is the capture in the sequence
   * notation; the detail is the expected and captured sequences side by
   * side (the segments as lines when nothing is expected). The first
   * capture checked becomes the case's {@linkcode Scenario.trace}, set
   * before judging so a failing trace is drawn too.
   */
  checkSegments(step: string, capture: CaptureResult): void {
    const e = this.#expectation(step);
    if (e && e.compare !== "wire") {
      throw new Error(
        `${this.title}: the expectation for "${step}" is not a wire sequence (add compare: "wire")`,
      );
    }
    const sequences = e
      ? (typeof e.expect === "string" ? [e.expect] : [...e.expect])
      : [];
    const tried = sequences.map((x) => matchSequence(x, capture.segments));
    const best = tried.find((m) => m.ok) ?? tried[0];
    const trace: Trace = {
      segments: capture.segments,
      expected: best?.expected.split(" "),
      capture: capture.description,
    };
    if (this.trace) (this.trace.others ??= []).push(trace);
    else this.trace = trace;
    this.check(
      step,
      sequenceOf(capture.segments),
      best ? sideBySide(best) : renderSegments(capture.segments),
    );
  }

  /** Records a step that could not run here, with the reason. */
  skip(step: string, reason: string): void {
    this.steps.push({ step, observed: reason, status: "skipped" });
  }

  /**
   * Whether part of a case can run here: `true` when `needs` are met;
   * otherwise records `step` as skipped with the reason and returns
   * `false`, or throws when the requirement is broken or the run requires
   * it (`--require`), like a whole case would.
   *
   * @example
   * ```ts ignore
   * if (await s.needs(["ipv6"], "segments (::1)")) await onTheWire(s, "::1");
   * ```
   */
  async needs(needs: readonly Requirement[], step: string): Promise<boolean> {
    const unmet = await unmetRequirement(needs);
    if (!unmet) return true;
    if (verdictFor(unmet, requiredByRun()) === "fail") {
      this.steps.push({ step, observed: unmet.reason, status: "failed" });
      throw new Error(requirementFailure(this.title, unmet));
    }
    this.skip(step, unmet.reason);
    return false;
  }

  /**
   * Records an RST's delay after its trigger (µs) as a timing named `step`
   * and judges it with {@linkcode judgeReset} against `roundTripUs`, a
   * round trip measured in the same run: the step's expectation is
   * normally `"within bound"`.
   */
  checkReset(step: string, delayUs: number, roundTripUs: number): void {
    const judged = judgeReset(delayUs, roundTripUs);
    this.timing(step, judged.delayUs, "us");
    this.check(step, judged.verdict, judged.detail);
  }

  /**
   * Records and judges an RST timed on the wire (see `wireReset()` and
   * `wireResetAfterCall()`): the delay, when there is one, as a timing named
   * `step`, and the verdict (or why there was none) as the step.
   */
  checkWireReset(step: string, rst: WireReset): void {
    if (rst.delayUs !== undefined) this.timing(step, rst.delayUs, "us");
    this.check(step, rst.observed, rst.detail);
  }

  /** Records a measured figure for the report. */
  timing(name: string, value: number, unit: Timing["unit"]): void {
    this.timings.push({ name, value: Math.round(value * 1000) / 1000, unit });
  }

  /**
   * Starts a C helper whose transcript is attached to this case's failure
   * message. The caller owns it: `await using h = await s.helper("server")`.
   */
  async helper(name: string, options: HelperOptions = {}): Promise<Helper> {
    const h = await Helper.start({ ...options, name });
    this.#helpers.push(h);
    return h;
  }

  /**
   * Starts a capture of the connections to `listening` (a port the case
   * listens on and has not connected to yet), proven to be capturing when
   * it returns. The caller owns it (`await using cap = await
   * s.capture(listener.local)`); the case's end stops any left running.
   */
  async capture(
    listening: Endpoint,
    options: CaptureOptions = {},
  ): Promise<Capture> {
    const capture = await Capture.start(listening, options);
    this.#captures.push(capture);
    return capture;
  }

  /**
   * Opens a pair in helper `h` on `address` with a capture running from
   * before the handshake: `await using wire = await s.wirePair(h)`, then
   * `await wire.stop()` for the segments.
   */
  wirePair(h: Helper, address = "127.0.0.1"): Promise<WirePair> {
    return wireHelperPair(h, address, (l) => this.capture(l));
  }

  /**
   * At the case's end: stops and reaps every capture and helper still
   * running. The case body disposes its own (`await using`); this is for a
   * body that timed out and never got there.
   */
  async release(): Promise<void> {
    await Promise.all([
      ...this.#captures.map((c) => c[Symbol.asyncDispose]()),
      ...[...this.#helpers, ...(this.#stateProbe ? [this.#stateProbe] : [])]
        .filter((h) => h.exitStatus === undefined)
        .map((h) => h[Symbol.asyncDispose]()),
    ]);
  }

  /**
   * Every helper's calls and answers, with times relative to the case's
   * first helper call (all helpers share CLOCK_MONOTONIC).
   */
  helperTranscripts(): HelperTranscript[] {
    const stamps = this.#helpers.flatMap((h) =>
      h.answers.filter((a) => a.t0 > 0n).map((a) => a.t0)
    );
    const origin = stamps.reduce((a, b) => (b < a ? b : a), stamps[0] ?? 0n);
    const since = (t: bigint) => t > 0n ? Number(t - origin) : undefined;
    return this.#helpers.map((h) => {
      const transcript: HelperTranscript = {
        helper: h.name,
        calls: h.answers.map((a) => {
          const call: HelperTranscript["calls"][number] = {
            command: a.command,
            answer: a.line,
            kind: a.kind,
            ret: a.ret,
          };
          if (a.errno) call.errno = a.errno;
          const t0 = since(a.t0);
          const t1 = since(a.t1);
          if (t0 !== undefined) call.t0Ns = t0;
          if (t1 !== undefined) call.t1Ns = t1;
          return call;
        }),
      };
      // A helper the case disposed was killed by the kit: only an end of
      // its own (a signal such as SIGPIPE, an exit code) is evidence.
      const exit = h.exitStatus;
      if (exit && h.answers.some((a) => a.kind === "died")) {
        transcript.exit = describeExit(exit);
      }
      if (h.stderr.trim()) transcript.stderr = h.stderr.trim();
      return transcript;
    });
  }

  /** The transcripts of every helper started, for failure messages. */
  transcripts(): string {
    return this.#helpers.map((h) =>
      `${h.name} transcript:\n  ${h.transcript.join("\n  ")}${
        h.exitStatus
          ? `\n  (exit: ${h.exitStatus.signal ?? `code ${h.exitStatus.code}`})`
          : ""
      }${h.stderr.trim() ? `\n  stderr: ${h.stderr.trim()}` : ""}`
    ).join("\n");
  }
}

function endpoint(e: { address: string; port: number }): string {
  return e.address.includes(":")
    ? `[${e.address}]:${e.port}`
    : `${e.address}:${e.port}`;
}

/** `linux 6.18.44 x86_64, Deno 2.9.6 (V8 ...)`. */
export function describePlatform(p: Platform): string {
  return `${p.os} ${p.kernel} ${p.arch}, Deno ${p.deno}`;
}

/** A case at one layer, as a case file declares it. */
export interface CaseDefinition {
  /** Stable case id (reports, CI matrices and bug reports refer to it). */
  id: string;
  /** The layer observed. */
  layer: Layer;
  /** The scenario in one sentence. */
  summary: string;
  /** What the machine must have; otherwise the case is skipped with why. */
  needs?: readonly Requirement[];
  /** Case timeout in ms (default 15000): a hang fails, it never stalls. */
  timeoutMs?: number;
  /**
   * The case's own expectations for this layer, per OS: step name →
   * expectation, laid over the built-in tables (a step named here replaces
   * the built-in entry; the kit's other steps stay). A case of the user's
   * own needs nothing else to be judged.
   */
  expectations?: CaseExpectations;
  /**
   * Why the case must not share the machine with other cases running at the
   * same time, if it must not (e.g. it binds an address it just freed, which
   * another case's connect() may take meanwhile). The kit runner then runs
   * its file after the others, in a process of its own.
   */
  runsAlone?: string;
  /**
   * The kernel timer the case waits out, if waiting is its subject (e.g.
   * `"TCP_LINGER2 1 s"`). Waiting takes no core, so the kit runner runs
   * such files in a process of their own beside the other groups instead of
   * making a group wait for them.
   */
  waitsForTimer?: string;
  /** The story: set up, do the one thing, check what the kernel says. */
  fn: (s: Scenario) => Promise<void>;
}

/** Prefix of a catalog line: what a case declares, printed at load time. */
export const CASE_PREFIX = "##closewait-case ";

/** A case as the kit's catalog (`--list`) shows it, without running it. */
export interface CaseListing {
  /** Case id. */
  id: string;
  /** Layer observed. */
  layer: Layer;
  /** The scenario in one sentence. */
  summary: string;
  /** What the machine must have. */
  needs: Requirement[];
  /** Why it runs apart from other cases ({@linkcode CaseDefinition.runsAlone}). */
  runsAlone?: string;
  /** The timer it waits out ({@linkcode CaseDefinition.waitsForTimer}). */
  waitsForTimer?: string;
}

/**
 * Whether the kit runner asked for the catalog (`CLOSEWAIT_LIST=1`): each
 * case then prints a {@linkcode CASE_PREFIX} line and registers an ignored
 * test, checking no requirement and running nothing.
 */
export function listingEnabled(): boolean {
  return Deno.env.get("CLOSEWAIT_LIST") === "1";
}

function requirementFailure(
  title: string,
  unmet: { requirement: Requirement; kind: string; reason: string },
): string {
  return unmet.kind === "broken"
    ? `${title}: ${unmet.requirement} is broken: ${unmet.reason}`
    : `${title}: ${unmet.requirement} is required by this run (--require) but ${unmet.kind}: ${unmet.reason}`;
}

/**
 * The overall status of a case from its steps: the worst of the steps
 * that ran. Steps skipped beside steps that ran leave the case judged by
 * what ran (the report names the skipped part); only a case whose every
 * step was skipped is skipped.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { caseStatus } from "./scenario.ts";
 * assertEquals(caseStatus(["passed", "skipped"]), "passed");
 * assertEquals(caseStatus(["skipped"]), "skipped");
 * assertEquals(caseStatus(["unjudged", "skipped", "failed"]), "failed");
 * ```
 */
export function caseStatus(
  statuses: StepResult["status"][],
): CaseResult["status"] {
  const ran = statuses.filter((s) => s !== "skipped");
  if (ran.length === 0 && statuses.length > 0) return "skipped";
  return worstStatus(ran);
}

/**
 * Registers a case with `Deno.test` as `<id> [<layer>]`, with both
 * sanitizers on. A requirement that is not installed, not permitted or
 * unsupported here makes it ignored and recorded as skipped with the
 * reason; a broken requirement, or one the run requires (`--require`),
 * makes it fail.
 *
 * @example
 * ```ts ignore
 * import { conformanceCase } from "./scenario.ts";
 * await conformanceCase({
 *   id: "tcp-fin-reads-zero",
 *   layer: "syscall",
 *   summary: "After the peer's FIN, read returns 0.",
 *   needs: ["helper"],
 *   expectations: {
 *     linux: { "server read()": { expect: "0", source: "recv(2)" } },
 *   },
 *   fn: async (s) => {
 *     s.check("server read()", "0");
 *   },
 * });
 * ```
 */
export async function conformanceCase(def: CaseDefinition): Promise<void> {
  const name = `${def.id} [${def.layer}]`;
  if (listingEnabled()) {
    const listing: CaseListing = {
      id: def.id,
      layer: def.layer,
      summary: def.summary,
      needs: [...(def.needs ?? [])],
      ...(def.runsAlone ? { runsAlone: def.runsAlone } : {}),
      ...(def.waitsForTimer ? { waitsForTimer: def.waitsForTimer } : {}),
    };
    console.log(CASE_PREFIX + JSON.stringify(listing));
    Deno.test({ name, ignore: true, fn: () => {} });
    return;
  }
  const unmet = await unmetRequirement(def.needs ?? []);
  const platform = currentPlatform();
  const base = { id: def.id, layer: def.layer, summary: def.summary, platform };
  const tables = withCaseExpectations(def.id, def.layer, def.expectations);
  if (unmet && verdictFor(unmet, requiredByRun()) === "skip") {
    console.error(`${name}: skipped: ${unmet.reason}`);
    emitResult({
      ...base,
      status: "skipped",
      steps: [],
      timings: [],
      reason: unmet.reason,
      durationMs: 0,
    });
    Deno.test({ name, ignore: true, fn: () => {} });
    return;
  }
  if (unmet) {
    const reason = `${requirementFailure(name, unmet)}\n  platform: ${
      describePlatform(platform)
    }`;
    Deno.test({
      name,
      fn() {
        emitResult({
          ...base,
          status: "failed",
          steps: [{
            step: `(${unmet.requirement})`,
            observed: `${unmet.kind}: ${unmet.reason.split("\n")[0]}`,
            status: "failed",
          }],
          timings: [],
          reason,
          durationMs: 0,
        });
        const failure = new Error(reason);
        failure.stack = `Error: ${reason}`;
        throw failure;
      },
    });
    return;
  }
  Deno.test({
    name,
    sanitizeOps: true,
    sanitizeResources: true,
    sanitizeExit: true,
    async fn() {
      const s = new Scenario(def.id, def.layer, platform, tables);
      const started = performance.now();
      let error: unknown;
      try {
        const ms = def.timeoutMs ?? 15000;
        if (await within(def.fn(s), ms) === TIMED_OUT) {
          throw new Error(`${name}: timed out after ${ms} ms`);
        }
      } catch (e) {
        error = e;
      } finally {
        await s.release();
      }
      const skipped = s.steps.filter((step) => step.status === "skipped");
      const result: CaseResult = {
        ...base,
        status: error ? "failed" : caseStatus(s.steps.map((x) => x.status)),
        steps: s.steps,
        timings: s.timings,
        durationMs: Math.round(performance.now() - started),
        trace: s.trace,
      };
      const transcripts = s.helperTranscripts();
      if (transcripts.length) result.transcripts = transcripts;
      if (!error && skipped.length && result.status !== "skipped") {
        result.reason = `partly skipped: ${
          skipped.map((x) => `"${x.step}": ${x.observed}`).join("; ")
        }`;
      }
      if (error) {
        const message = error instanceof Error ? error.message : String(error);
        result.reason = error instanceof ExpectationFailure
          ? message
          : `${message}\n  platform: ${describePlatform(platform)}`;
        if (
          !(error instanceof ExpectationFailure) &&
          s.steps.at(-1)?.status !== "failed"
        ) {
          s.steps.push({
            step: "(error)",
            observed: message.split("\n")[0],
            status: "failed",
          });
        }
      }
      emitResult(result);
      if (error) {
        const transcripts = s.transcripts();
        const full = transcripts
          ? `${result.reason}\n${transcripts}`
          : result.reason!;
        const failure = new Error(full);
        failure.name = error instanceof Error ? error.name : "Error";
        failure.stack = `${failure.name}: ${full}`;
        throw failure;
      }
      for (const step of s.steps) {
        if (step.status === "unjudged") {
          console.log(
            `${name}: unjudged on ${platform.os}: "${step.step}" observed ${step.observed}`,
          );
        } else if (step.status === "skipped") {
          console.log(`${name}: skipped "${step.step}": ${step.observed}`);
        } else if (step.status === "known-deviation") {
          console.log(
            `${name}: known deviation: "${step.step}" observed ${step.observed} (${step.issue})`,
          );
        }
      }
    },
  });
}
