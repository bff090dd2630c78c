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
  describeExpected,
  type Expectation,
  expectationFor,
  EXPECTATIONS,
  type Layer,
  matches,
  type PlatformTable,
} from "../expectations/mod.ts";
import type { Endpoint, Tuple } from "../address/mod.ts";
import { Helper, type HelperOptions } from "../helper/helper.ts";
import {
  Capture,
  type CaptureOptions,
  type CaptureResult,
} from "../wire/capture.ts";
import { renderSegments } from "../wire/render.ts";
import { wireHelperPair, type WirePair } from "../wire/pair.ts";
import { matchSequence, sequenceOf, sideBySide } from "../wire/sequence.ts";
import {
  currentPlatform,
  type OsName,
  type Platform,
} from "../platform/platform.ts";
import { missingRequirement, type Requirement } from "./requirements.ts";
import {
  type CaseResult,
  emitResult,
  type StepResult,
  type Timing,
  worstStatus,
} from "./result.ts";
import type { Trace } from "../wire/segment.ts";
import { judgeReset } from "../rst_timing/bound.ts";
import type { WireReset } from "../rst_timing/wire.ts";
import { TIMED_OUT, within } from "../deadline/within.ts";
import { type TcpState, waitForState } from "../sockets/state.ts";

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

  /** Creates a scenario for one case at one layer on one platform. */
  constructor(
    readonly id: string,
    readonly layer: Layer,
    readonly platform: Platform = currentPlatform(),
    readonly tables: Partial<Record<OsName, PlatformTable>> = EXPECTATIONS,
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
    const wait = await waitForState(tuple, want, e ? STATE_DEADLINE_MS : 0);
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
    this.trace ??= {
      segments: capture.segments,
      expected: best?.expected.split(" "),
      capture: capture.description,
    };
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
      ...this.#helpers.filter((h) => h.exitStatus === undefined).map((h) =>
        h[Symbol.asyncDispose]()
      ),
    ]);
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
}

/**
 * Whether the kit runner asked for the catalog (`CLOSEWAIT_LIST=1`): each
 * case then prints a {@linkcode CASE_PREFIX} line and registers an ignored
 * test, checking no requirement and running nothing.
 */
export function listingEnabled(): boolean {
  return Deno.env.get("CLOSEWAIT_LIST") === "1";
}

/**
 * Registers a case with `Deno.test` as `<id> [<layer>]`, with both
 * sanitizers on. If a requirement is missing it is registered as ignored and
 * the reason is printed and recorded as skipped.
 *
 * @example
 * ```ts ignore
 * import { conformanceCase } from "./scenario.ts";
 * await conformanceCase({
 *   id: "tcp-fin-reads-zero",
 *   layer: "syscall",
 *   summary: "After the peer's FIN, read returns 0.",
 *   needs: ["helper"],
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
    };
    console.log(CASE_PREFIX + JSON.stringify(listing));
    Deno.test({ name, ignore: true, fn: () => {} });
    return;
  }
  const why = await missingRequirement(def.needs ?? []);
  const platform = currentPlatform();
  const base = { id: def.id, layer: def.layer, summary: def.summary, platform };
  if (why) {
    console.error(`${name}: skipped: ${why}`);
    emitResult({
      ...base,
      status: "skipped",
      steps: [],
      timings: [],
      reason: why,
      durationMs: 0,
    });
    Deno.test({ name, ignore: true, fn: () => {} });
    return;
  }
  Deno.test({
    name,
    sanitizeOps: true,
    sanitizeResources: true,
    sanitizeExit: true,
    async fn() {
      const s = new Scenario(def.id, def.layer, platform);
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
      const statuses = s.steps.map((step) => step.status);
      const result: CaseResult = {
        ...base,
        status: error ? "failed" : worstStatus(statuses),
        steps: s.steps,
        timings: s.timings,
        durationMs: Math.round(performance.now() - started),
        trace: s.trace,
      };
      if (error) {
        const message = error instanceof Error ? error.message : String(error);
        result.reason = error instanceof ExpectationFailure
          ? message
          : `${message}\n  platform: ${describePlatform(platform)}`;
        if (!(error instanceof ExpectationFailure)) {
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
