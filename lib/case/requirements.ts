/**
 * What a case needs from the machine, checked before it runs, so a case that
 * cannot run here is registered as ignored and reported as skipped with the
 * reason, never as passed.
 *
 * @module
 */

import { ensureHelper } from "../helper/build.ts";
import { currentPlatform } from "../platform/platform.ts";
import { tcpdumpUnavailable } from "../wire/tcpdump.ts";

/** Something a case can need. */
export type Requirement = "helper" | "ipv6" | "linux" | "posix" | "tcpdump";

function ipv6Reason(): Promise<string | undefined> {
  try {
    Deno.listen({ hostname: "::1", port: 0 }).close();
    return Promise.resolve(undefined);
  } catch (e) {
    return Promise.resolve(
      `IPv6 loopback unavailable: ${(e as Error).message}`,
    );
  }
}

const checks: Record<Requirement, () => Promise<string | undefined>> = {
  helper: async () => {
    const h = await ensureHelper();
    return h.available ? undefined : h.reason;
  },
  ipv6: ipv6Reason,
  linux: () =>
    Promise.resolve(
      currentPlatform().os === "linux"
        ? undefined
        : `Linux only; this is ${currentPlatform().os}`,
    ),
  // Linux, tcpdump installed and runnable, and allowed to capture on lo
  // (checked by starting a real capture); the reason says how to enable it.
  tcpdump: () => tcpdumpUnavailable(),
  posix: () =>
    Promise.resolve(
      currentPlatform().os === "windows"
        ? "needs a POSIX system; this is windows"
        : undefined,
    ),
};

const memo = new Map<Requirement, Promise<string | undefined>>();

/**
 * Returns why the requirements are not met here, or `undefined` when they
 * are. Each requirement is checked once per process.
 *
 * @example
 * ```ts ignore
 * import { missingRequirement } from "./requirements.ts";
 * const why = await missingRequirement(["helper"]);
 * if (why) console.log(`skipped: ${why}`);
 * ```
 */
export async function missingRequirement(
  needs: readonly Requirement[],
): Promise<string | undefined> {
  for (const need of needs) {
    if (!memo.has(need)) memo.set(need, checks[need]());
    const why = await memo.get(need);
    if (why) return why;
  }
  return undefined;
}
