/**
 * The node layer of a case: one scenario written against `node:net` (through
 * {@linkcode NodeDriver}) and registered once per runtime as
 * `<id> [node@nodejs]`, `[node@deno]`, `[node@bun]`.
 *
 * Node.js is the reference. Its row is judged against the expectation data
 * (Node's behaviour, with a source). Deno's and Bun's rows are judged
 * against the same data; where they differ from it while Node.js, run on
 * the same machine in the same process, matched it, the step's status is
 * `compat-differs` with both observations in its detail (a recorded
 * `knownDeviation` with its issue makes it a known deviation instead).
 * Where nothing is expected, a difference from Node's observation is a
 * compat difference too.
 *
 * @module
 */

import {
  conformanceCase,
  ExpectationFailure,
  type Scenario,
} from "../case/scenario.ts";
import type { Requirement } from "../case/requirements.ts";
import type { StepResult } from "../case/result.ts";
import type { CaptureResult } from "../wire/capture.ts";
import type { Tuple } from "../address/mod.ts";
import {
  findRuntime,
  type NodeLayer,
  type RuntimeName,
  selectedRuntimes,
} from "./runtimes.ts";
import { NodeDriver, NodeDriverError, type NodeLog } from "./driver.ts";
import { describeEvents, timeline } from "./describe.ts";

/**
 * The status of a step where Deno or Bun differs from Node.js.
 * (`Status` in lib/case/result.ts gains "compat-differs".)
 */
const COMPAT_DIFFERS: StepResult["status"] = "compat-differs";

/** What Node.js observed at each step of each case in this process. */
const reference = new Map<string, { observed: string; status: string }>();

function key(id: string, step: string): string {
  return `${id}\u0000${step}`;
}

/** A node-layer row being run: the scenario, the driver, and judging. */
export class NodeRow {
  /** Creates the row of `runtime` for scenario `s`, driving `node`. */
  constructor(
    readonly s: Scenario,
    readonly node: NodeDriver,
    readonly runtime: RuntimeName,
  ) {}

  /** `node@nodejs`, `node@deno`, `node@bun`. */
  get layer(): NodeLayer {
    return `node@${this.runtime}`;
  }

  /** Runs one `Scenario` check with the node layer's judging around it. */
  #judged(step: string, check: () => void): void {
    const before = this.s.steps.length;
    let failure: unknown;
    try {
      check();
    } catch (e) {
      failure = e;
    }
    this.#afterCheck(step, before, failure);
  }

  /** Records Node's observation, or judges another runtime's against it. */
  #afterCheck(step: string, before: number, failure: unknown): void {
    if (failure !== undefined && !(failure instanceof ExpectationFailure)) {
      throw failure;
    }
    return this.#compat(step, before, failure);
  }

  #compat(
    step: string,
    before: number,
    failure: ExpectationFailure | undefined,
  ): void {
    const result: StepResult | undefined = this.s.steps[before];
    if (!result) return;
    const ref = reference.get(key(this.s.id, step));
    if (this.runtime === "nodejs") {
      reference.set(key(this.s.id, step), {
        observed: result.observed,
        status: result.status,
      });
      if (failure) throw failure;
      return;
    }
    if (failure) {
      if (ref && ref.status === "passed") {
        this.#differs(result, `node@nodejs observed: ${ref.observed}`);
        return;
      }
      if (!ref) {
        // Node.js did not run here (--runtime, or absent): the expectation
        // is its recorded behaviour, so a difference is still one from Node.
        this.#differs(
          result,
          `node@nodejs not run here; its recorded behaviour: ${result.expected} (${result.source})`,
        );
        return;
      }
      failure.message +=
        `\n  node@nodejs observed: ${ref.observed} (${ref.status})`;
      throw failure;
    }
    if (
      result.status === "unjudged" && ref && ref.observed !== result.observed
    ) {
      this.#differs(result, `node@nodejs observed: ${ref.observed}`);
    }
  }

  #differs(result: StepResult, reference: string): void {
    result.status = COMPAT_DIFFERS;
    result.detail = [result.detail, reference].filter(Boolean).join("\n");
    console.log(
      `${this.s.title}: compat differs: "${result.step}": ${this.layer} observed ${result.observed}; ${reference}`,
    );
  }

  /** Judges an observation (see `Scenario.check`), compat-aware. */
  check(step: string, observed: string, detail?: string): void {
    this.#judged(step, () => this.s.check(step, observed, detail));
  }

  /**
   * Judges a socket's events after `afterSeq` as one line (`end, finish,
   * close`), with their times as the detail.
   */
  checkEvents(step: string, log: NodeLog, afterSeq = -1): void {
    this.check(
      step,
      describeEvents(log.log, afterSeq),
      timeline(log.log, afterSeq),
    );
  }

  /** Judges a captured connection (see `Scenario.checkSegments`), compat-aware. */
  checkSegments(step: string, capture: CaptureResult): void {
    this.#judged(step, () => this.s.checkSegments(step, capture));
  }

  /** Waits for and judges a TCP state (see `Scenario.checkState`). */
  async checkState(step: string, tuple: Tuple): Promise<void> {
    const before = this.s.steps.length;
    let failure: unknown;
    try {
      await this.s.checkState(step, tuple);
    } catch (e) {
      failure = e;
    }
    this.#afterCheck(step, before, failure);
  }
}

/** A case's node layer, as a case file declares it. */
export interface NodeCaseDefinition {
  /** The case id (the same as its other layers'). */
  id: string;
  /** The scenario in one sentence, as node:net sees it. */
  summary: string;
  /** What the machine must have besides the runtime (e.g. `"helper"`). */
  needs?: readonly Requirement[];
  /** Row timeout in ms (default 20000). */
  timeoutMs?: number;
  /** The story, once, against node:net: the same for every runtime. */
  fn: (n: NodeRow) => Promise<void>;
}

/**
 * Registers a case's node layer: one row per selected runtime, Node.js
 * first. A runtime that is absent or does not start makes its row skipped
 * with the reason; the driver's transcript is attached to a failure.
 *
 * @example
 * ```ts ignore
 * import { nodeCase } from "./node_case.ts";
 * await nodeCase({
 *   id: "tcp-fin-reads-zero",
 *   summary: "After the peer's end(), 'end' then 'close'.",
 *   async fn(n) {
 *     const { server, local } = await n.node.listen("127.0.0.1");
 *     const client = await n.node.connect(local);
 *     const accepted = await n.node.accept(server);
 *     await n.node.call("end", client);
 *     n.checkEvents("server events", await n.node.wait(accepted, "close"));
 *   },
 * });
 * ```
 */
export async function nodeCase(def: NodeCaseDefinition): Promise<void> {
  for (const runtime of selectedRuntimes()) {
    await conformanceCase({
      id: def.id,
      layer: `node@${runtime}`,
      summary: def.summary,
      needs: def.needs,
      timeoutMs: def.timeoutMs ?? 20_000,
      async fn(s) {
        const found = await findRuntime(runtime);
        if (!("version" in found)) {
          s.skip(`runtime ${runtime}`, found.reason);
          return;
        }
        await using node = await NodeDriver.start(found);
        try {
          await def.fn(new NodeRow(s, node, runtime));
        } catch (e) {
          if (e instanceof Error && !(e instanceof NodeDriverError)) {
            const transcript = node.transcript;
            if (transcript.length) {
              e.message +=
                `\n${runtime} ${found.version} driver transcript:\n  ${
                  transcript.join("\n  ")
                }`;
            }
          }
          throw e;
        }
      },
    });
  }
}
