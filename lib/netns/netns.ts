/**
 * A network namespace of the kit's own, for the cases that need a peer to
 * vanish without FIN or RST: the C helper is started inside a fresh
 * namespace (`unshare --net`, which execs it), the namespace's own loopback
 * is brought up and given nftables rules that drop chosen segments. Every
 * packet stays on that namespace's 127.0.0.1.
 *
 * Nothing needs removing afterwards: the namespace lives exactly as long as
 * the helper process (nothing else joins it or pins it to a file), and its
 * rules live inside it, so when the helper ends (closed, killed, or dying
 * with the process that started it) the namespace and rules go with it.
 *
 * Needs Linux, root (CAP_SYS_ADMIN, CAP_NET_ADMIN) and util-linux's
 * `unshare`/`nsenter`, iproute2's `ip` and `nft` (nftables); otherwise
 * {@linkcode netnsUnavailable} says why, and the case skips with that
 * reason.
 *
 * @module
 */

import type { Unavailable } from "../platform/unavailable.ts";
import { currentPlatform } from "../platform/mod.ts";
import { TIMED_OUT, within } from "../deadline/mod.ts";
import type { Helper, HelperOptions } from "../helper/helper.ts";

/** The command prefix that starts a program in a new network namespace. */
export const NETNS_PREFIX: readonly string[] = ["unshare", "--net", "--"];

/** How long one configuration command may take (ms). */
const COMMAND_TIMEOUT_MS = 5000;

/** Raised when a namespace cannot be set up as asked. */
export class NetnsError extends Error {
  /** Creates the error with the command's output. */
  constructor(message: string) {
    super(message);
    this.name = "NetnsError";
  }
}

/** Runs a command with a deadline; its exit code and output. */
async function run(
  program: string,
  args: string[],
  stdin?: string,
): Promise<{ code: number; output: string }> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(program, {
      args,
      stdin: stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      return { code: 127, output: `${program}: not installed` };
    }
    if (e instanceof Deno.errors.NotCapable) {
      return {
        code: 126,
        output: `${program}: not in the run permissions (deno.json)`,
      };
    }
    throw e;
  }
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(stdin)).catch(() => {});
    await writer.close().catch(() => {});
  }
  const out = await within(child.output(), COMMAND_TIMEOUT_MS);
  if (out === TIMED_OUT) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
    await child.status;
    return {
      code: 124,
      output: `${program} ${
        args.join(" ")
      }: no answer in ${COMMAND_TIMEOUT_MS} ms`,
    };
  }
  const text = new TextDecoder().decode(out.stderr).trim() ||
    new TextDecoder().decode(out.stdout).trim();
  return { code: out.code, output: text.split("\n")[0] ?? "" };
}

let memo: Promise<Unavailable | undefined> | undefined;

/**
 * Why a namespace of the kit's own cannot be made here, or `undefined`
 * when it can (checked once per process, by making one: `unshare --net`
 * running `ip link set lo up` and `nft list ruleset`).
 *
 * @example
 * ```ts ignore
 * import { netnsUnavailable } from "./netns.ts";
 * const why = await netnsUnavailable();
 * if (why) console.log(`skipped (${why.kind}): ${why.reason}`);
 * ```
 */
export function netnsUnavailable(): Promise<Unavailable | undefined> {
  memo ??= check();
  return memo;
}

async function check(): Promise<Unavailable | undefined> {
  const { os } = currentPlatform();
  if (os !== "linux") {
    return {
      kind: "unsupported",
      reason: `network namespaces are Linux only; this is ${os}`,
    };
  }
  const checks = [
    [
      NETNS_PREFIX[0],
      [...NETNS_PREFIX.slice(1), "ip", "link", "set", "lo", "up"],
      "a network namespace (needs root; apt-get install -y util-linux iproute2)",
    ],
    [
      NETNS_PREFIX[0],
      [...NETNS_PREFIX.slice(1), "nft", "list", "ruleset"],
      "nftables in a namespace (apt-get install -y nftables)",
    ],
    ["nsenter", ["--version"], "nsenter (util-linux)"],
  ] as const;
  // All at once: each is a process start, and the first failure in this
  // order is the reason given.
  const results = await Promise.all(
    checks.map(([program, args]) => run(program, [...args])),
  );
  const failed = results.findIndex((r) => r.code !== 0);
  if (failed < 0) return undefined;
  const { code, output } = results[failed];
  return {
    // 127/126: run() could not start the tool (not installed / not in
    // Deno's run permissions); unshare without root says EPERM.
    kind: code === 127
      ? "absent"
      : code === 126 || /not permitted|permission denied/i.test(output)
      ? "not-permitted"
      : "broken",
    reason: `cannot make ${checks[failed][2]}: ${output}`,
  };
}

/**
 * Sets up the namespace process `pid` runs in: brings its loopback up and
 * loads `rules` (nft syntax, e.g. from {@linkcode dropWithoutSyn}) into it.
 * Throws {@linkcode NetnsError} with the tool's message if either fails.
 */
export async function configureNetns(pid: number, rules = ""): Promise<void> {
  const enter = ["--target", String(pid), "--net", "--"];
  const up = await run("nsenter", [...enter, "ip", "link", "set", "lo", "up"]);
  if (up.code !== 0) {
    throw new NetnsError(
      `bringing lo up in the namespace failed: ${up.output}`,
    );
  }
  if (!rules) return;
  const nft = await run("nsenter", [...enter, "nft", "-f", "-"], rules);
  if (nft.code !== 0) {
    throw new NetnsError(`loading nft rules failed: ${nft.output}\n${rules}`);
  }
}

/**
 * nft rules that drop, on input, every TCP segment to `port` that does not
 * carry SYN: the handshake to and from that port completes, then the
 * socket bound to it hears nothing more from its peer (no ACK, no data, no
 * FIN, no RST), as if the peer had vanished. Its own segments still go out.
 *
 * @example
 * ```ts
 * import { assertStringIncludes } from "@std/assert";
 * import { dropWithoutSyn } from "./netns.ts";
 * assertStringIncludes(dropWithoutSyn(40001), "tcp dport 40001");
 * ```
 */
export function dropWithoutSyn(port: number): string {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`not a port: ${port}`);
  }
  return [
    "table inet closewait {",
    "  chain input {",
    "    type filter hook input priority 0; policy accept;",
    `    tcp dport ${port} tcp flags & syn == 0 drop`,
    "  }",
    "}",
    "",
  ].join("\n");
}

/**
 * Starts a helper in a network namespace of its own, with its loopback up
 * and `rules` loaded: `start` gets the options that put the helper there
 * (a case passes `(o) => s.helper("victim", o)`, so the case owns and
 * reaps it). The namespace ends with the helper.
 *
 * @example
 * ```ts ignore
 * import { dropWithoutSyn, helperInNetns } from "./netns.ts";
 * declare const s: import("../case/scenario.ts").Scenario;
 * await using h = await helperInNetns((o) => s.helper("victim", o), dropWithoutSyn(40001));
 * ```
 */
export async function helperInNetns(
  start: (options: HelperOptions) => Promise<Helper>,
  rules: string,
): Promise<Helper> {
  const h = await start({ prefix: NETNS_PREFIX });
  try {
    await configureNetns(h.pid, rules);
  } catch (e) {
    await h[Symbol.asyncDispose]();
    throw e;
  }
  return h;
}
