/**
 * What a case needs from the machine, checked before it runs. A need that
 * is not installed, not permitted or unsupported here makes the case
 * skipped with the reason, never passed; a need that exists but is broken
 * (a compiler that fails to build the helper) makes it fail, since that is
 * a defect to report; and a run that requires a need (`CLOSEWAIT_REQUIRE`,
 * set by `deno task kit --require`) fails every case that would skip for
 * it, so a job that checked nothing cannot go green.
 *
 * @module
 */

import type { UnavailableKind } from "../platform/unavailable.ts";
import { ensureHelper } from "../helper/build.ts";
import { currentPlatform } from "../platform/platform.ts";
import { tcpdumpUnavailable } from "../wire/tcpdump.ts";
import { netnsUnavailable } from "../netns/netns.ts";

/** Something a case can need. */
export type Requirement =
  | "helper"
  | "ipv6"
  | "linux"
  | "netns"
  | "posix"
  | "tcpdump";

/** Every requirement, for argument checking. */
export const REQUIREMENTS: readonly Requirement[] = [
  "helper",
  "ipv6",
  "linux",
  "netns",
  "posix",
  "tcpdump",
];

/**
 * Why a requirement is unmet: `absent` (not installed), `not-permitted`
 * (installed, but this process may not use it), `unsupported` (this OS
 * cannot), or `broken` (present and permitted, but it fails).
 */
export type UnmetKind = UnavailableKind;

/** An unmet requirement, with why. */
export interface Unmet {
  /** The requirement. */
  requirement: Requirement;
  /** What kind of problem it is. */
  kind: UnmetKind;
  /** The reason, with what to do about it. */
  reason: string;
}

function ipv6(): Promise<Omit<Unmet, "requirement"> | undefined> {
  try {
    Deno.listen({ hostname: "::1", port: 0 }).close();
    return Promise.resolve(undefined);
  } catch (e) {
    return Promise.resolve({
      kind: e instanceof Deno.errors.NotCapable ? "not-permitted" : "absent",
      reason: `IPv6 loopback unavailable: ${(e as Error).message}`,
    });
  }
}

const checks: Record<
  Requirement,
  () => Promise<Omit<Unmet, "requirement"> | undefined>
> = {
  helper: async () => {
    const h = await ensureHelper();
    return h.available ? undefined : { kind: h.kind, reason: h.reason };
  },
  ipv6,
  linux: () =>
    Promise.resolve(
      currentPlatform().os === "linux" ? undefined : {
        kind: "unsupported",
        reason: `Linux only; this is ${currentPlatform().os}`,
      },
    ),
  // Linux, tcpdump installed and runnable, and allowed to capture on lo
  // (checked by starting a real capture); the reason says how to enable it.
  tcpdump: () => tcpdumpUnavailable(),
  // A network namespace of the kit's own, with nftables in it (root).
  netns: () => netnsUnavailable(),
  posix: () =>
    Promise.resolve(
      currentPlatform().os === "windows"
        ? {
          kind: "unsupported",
          reason: "needs a POSIX system; this is windows",
        }
        : undefined,
    ),
};

const memo = new Map<Requirement, Promise<Unmet | undefined>>();

/**
 * The first of `needs` that is unmet here, with its kind and reason, or
 * `undefined` when all are met. Each requirement is checked once per
 * process.
 *
 * @example
 * ```ts ignore
 * import { unmetRequirement } from "./requirements.ts";
 * const unmet = await unmetRequirement(["helper"]);
 * if (unmet) console.log(`${unmet.requirement} ${unmet.kind}: ${unmet.reason}`);
 * ```
 */
export async function unmetRequirement(
  needs: readonly Requirement[],
): Promise<Unmet | undefined> {
  for (const need of needs) {
    if (!memo.has(need)) {
      memo.set(
        need,
        checks[need]().then((u) => u && { requirement: need, ...u }),
      );
    }
    const unmet = await memo.get(need);
    if (unmet) return unmet;
  }
  return undefined;
}

/**
 * Returns why the requirements are not met here, or `undefined` when they
 * are: the reason of {@linkcode unmetRequirement}.
 */
export async function missingRequirement(
  needs: readonly Requirement[],
): Promise<string | undefined> {
  return (await unmetRequirement(needs))?.reason;
}

/**
 * Parses a `--require` / `CLOSEWAIT_REQUIRE` list (`"helper,tcpdump"`);
 * throws a `RangeError` naming an unknown requirement.
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { parseRequirements } from "./requirements.ts";
 * assertEquals(parseRequirements("helper, tcpdump"), ["helper", "tcpdump"]);
 * assertThrows(() => parseRequirements("gcc"), RangeError, "unknown requirement");
 * ```
 */
export function parseRequirements(list: string): Requirement[] {
  const names = list.split(",").map((n) => n.trim()).filter((n) => n);
  for (const name of names) {
    if (!(REQUIREMENTS as readonly string[]).includes(name)) {
      throw new RangeError(
        `unknown requirement "${name}" (known: ${REQUIREMENTS.join(", ")})`,
      );
    }
  }
  return names as Requirement[];
}

/**
 * The requirements this run must not skip for (`CLOSEWAIT_REQUIRE`, set by
 * `deno task kit --require`); empty when unset or not readable.
 */
export function requiredByRun(): Requirement[] {
  let list: string | undefined;
  try {
    list = Deno.env.get("CLOSEWAIT_REQUIRE");
  } catch {
    return [];
  }
  return list ? parseRequirements(list) : [];
}

/**
 * What a case does about an unmet requirement: `skip` with the reason, or
 * `fail` when the requirement is broken or this run requires it.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { verdictFor } from "./requirements.ts";
 * const absent = { requirement: "tcpdump", kind: "absent", reason: "not installed" } as const;
 * assertEquals(verdictFor(absent, []), "skip");
 * assertEquals(verdictFor(absent, ["tcpdump"]), "fail");
 * assertEquals(verdictFor({ ...absent, requirement: "helper", kind: "broken" }, []), "fail");
 * ```
 */
export function verdictFor(
  unmet: Unmet,
  required: readonly Requirement[],
): "skip" | "fail" {
  return unmet.kind === "broken" || required.includes(unmet.requirement)
    ? "fail"
    : "skip";
}
