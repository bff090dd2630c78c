/**
 * Requirement answers probed once for a whole run and handed to its test
 * processes in `CLOSEWAIT_PROBED` (JSON: requirement → `null` when met, or
 * `{kind, reason}` when not), so each process need not probe again (for
 * tcpdump that is a real capture started and stopped). What the variable
 * does not name, or a variable that does not parse, is probed as usual:
 * a bad hand-down can cost a probe, never a wrong answer's shape.
 *
 * @module
 */

/** The environment variable carrying a run's probed answers. */
export const PROBED_ENV = "CLOSEWAIT_PROBED";

/** Why a requirement is unmet (the kinds of `requirements.ts`). */
export type ProbedKind = "absent" | "not-permitted" | "unsupported" | "broken";

/** An unmet requirement as handed down: its kind and reason. */
export interface ProbedUnmet {
  /** What kind of problem it is. */
  kind: ProbedKind;
  /** The reason, with what to do about it. */
  reason: string;
}

/** Answers by requirement name: `null` when met. */
export type ProbedAnswers = Record<string, ProbedUnmet | null>;

const KINDS: readonly string[] = [
  "absent",
  "not-permitted",
  "unsupported",
  "broken",
];

/**
 * Reads answers from a `CLOSEWAIT_PROBED` text; anything malformed is left
 * out (and so probed again).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseProbed } from "./probed.ts";
 * assertEquals(
 *   parseProbed('{"tcpdump":{"kind":"absent","reason":"not installed"},"ipv6":null,"helper":7}'),
 *   { tcpdump: { kind: "absent", reason: "not installed" }, ipv6: null },
 * );
 * assertEquals(parseProbed("not json"), {});
 * ```
 */
export function parseProbed(text: string | undefined): ProbedAnswers {
  if (!text) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {};
  }
  const answers: ProbedAnswers = {};
  for (const [name, answer] of Object.entries(value)) {
    if (answer === null) {
      answers[name] = null;
    } else if (
      typeof answer === "object" && !Array.isArray(answer) &&
      KINDS.includes(answer.kind) && typeof answer.reason === "string"
    ) {
      answers[name] = { kind: answer.kind, reason: answer.reason };
    }
  }
  return answers;
}

/**
 * The text of `CLOSEWAIT_PROBED` for some answers.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { encodeProbed, parseProbed } from "./probed.ts";
 * const answers = { tcpdump: null, ipv6: { kind: "absent" as const, reason: "no ::1" } };
 * assertEquals(parseProbed(encodeProbed(answers)), answers);
 * ```
 */
export function encodeProbed(answers: ProbedAnswers): string {
  return JSON.stringify(answers);
}

let fromEnv: ProbedAnswers | undefined;

/** This process's handed-down answers (read once; none when unreadable). */
function handedDown(): ProbedAnswers {
  if (fromEnv) return fromEnv;
  let text: string | undefined;
  try {
    text = Deno.env.get(PROBED_ENV);
  } catch {
    text = undefined; // no env permission: probe as usual
  }
  fromEnv = parseProbed(text);
  return fromEnv;
}

/**
 * The run's answer for `need` if it handed one down, else what `probe`
 * finds: the one call `requirements.ts` makes in place of probing.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { probedOr } from "./probed.ts";
 * const answers = { tcpdump: { kind: "absent" as const, reason: "not installed" } };
 * const probe = () => Promise.resolve(undefined);
 * assertEquals(await probedOr("tcpdump", probe, answers), answers.tcpdump);
 * assertEquals(await probedOr("ipv6", probe, answers), undefined);
 * ```
 */
export function probedOr<T extends ProbedUnmet>(
  need: string,
  probe: () => Promise<T | undefined>,
  answers: ProbedAnswers = handedDown(),
): Promise<T | ProbedUnmet | undefined> {
  if (!Object.hasOwn(answers, need)) return probe();
  return Promise.resolve(answers[need] ?? undefined);
}
