/**
 * The `matrix` command line: `fetch`, `run`, `list`, `clean`, their flags
 * and checks, and the help text. Every mistake is a {@linkcode UsageError}
 * (one line, exit status 2). `run` passes the flags it does not know to the
 * kit (`--filter`, `--layer`...), checked by the kit's own parser first.
 *
 * @module
 */

import { parseFlags, parseKitArgs, UsageError } from "../runner/mod.ts";
import {
  DEFAULT_KERNELS,
  type KernelRequest,
  parseKernelRequest,
  requestLabel,
} from "./apt.ts";
import { MatrixError } from "./process.ts";

/** The help text. */
export const MATRIX_HELP =
  `closewait matrix: the whole kit under several Linux kernels on this machine.

Usage:
  deno task matrix fetch [--kernel PKG[/SUITE] ...] [--only] [--jobs N]
  deno task matrix run [--kernel RELEASE ...] [--jobs N] [--timeout S] [--memory MIB]
                       [--json FILE] [--markdown FILE] [kit flags: --filter, --layer, ...]
  deno task matrix list
  deno task matrix clean [RELEASE ...]

fetch   downloads Debian kernel packages through a private apt configuration
        (the machine's own apt sources are not used) and keeps, per kernel, an
        uncompressed vmlinux and a small initramfs in the cache folder
        ($XDG_CACHE_HOME or ~/.cache, then closewait/kernels). Default kernels:
        ${DEFAULT_KERNELS.map(requestLabel).join(", ")};
        --kernel adds one (repeatable or comma-separated; SUITE is bookworm,
        trixie or sid; default bookworm), --only fetches just those.
run     runs the kit on this machine, then in one QEMU guest per cached kernel
        (loopback networking only; KVM where it works, TCG otherwise), keeps
        each column's JSON report in reports/matrix/, and prints the merged
        matrix (cases x kernels, differing rows first). --kernel picks cached
        kernels by release or prefix (e.g. 6.12); --jobs guests at once
        (default 2); --timeout per guest in seconds (default 300); --memory
        per guest (default 1024 MiB); --json/--markdown write the matrix.
list    the cached kernels and their sizes.
clean   removes the cached kernels given (all, and the apt and Deno caches,
        when none is given).

Exit status: 0 done and nothing failed, 1 a case or a guest failed (or a
kernel could not be fetched), 2 bad usage, missing tools or an unsupported
machine, 130 interrupted.`;

/** What `matrix` was asked to do. */
export type MatrixCommand =
  | { command: "help" }
  | {
    command: "fetch";
    requests: KernelRequest[];
    jobs: number;
  }
  | {
    command: "run";
    kernels: string[];
    jobs: number;
    timeoutMs: number;
    memoryMiB: number;
    json?: string;
    markdown?: string;
    kitArgs: string[];
  }
  | { command: "list" }
  | { command: "clean"; releases: string[] };

function positiveInt(flag: string, text: string | undefined, def: number) {
  if (text === undefined) return def;
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new UsageError(`${flag} ${text}: expected a whole number above 0`);
  }
  return Number(text);
}

/** Pulls every `--name VALUE` / `--name=VALUE` out of `args` (repeatable). */
function takeRepeated(
  args: string[],
  name: string,
): { values: string[]; rest: string[] } {
  const values: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === `--${name}`) {
      const v = args[i + 1];
      if (v === undefined || v.startsWith("-")) {
        throw new UsageError(`--${name} needs a value (see --help)`);
      }
      values.push(v);
      i++;
    } else if (a.startsWith(`--${name}=`)) {
      values.push(a.slice(name.length + 3));
    } else rest.push(a);
  }
  return {
    values: values.flatMap((v) => v.split(",")).map((v) => v.trim()),
    rest,
  };
}

const RUN_FLAGS = ["jobs", "timeout", "memory", "json", "markdown"];
const NOT_FOR_KIT = ["list", "json", "markdown", "junit"];

/**
 * Parses the matrix's arguments.
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { parseMatrixArgs } from "./args.ts";
 * const run = parseMatrixArgs(["run", "--jobs", "1", "--filter", "tcp-fin-reads-zero"]);
 * assertEquals(run.command === "run" && [run.jobs, run.kitArgs], [1, ["--filter", "tcp-fin-reads-zero"]]);
 * assertThrows(() => parseMatrixArgs(["boot"]));
 * ```
 */
export function parseMatrixArgs(args: string[]): MatrixCommand {
  const [command, ...rest] = args;
  if (command === undefined) {
    throw new UsageError(
      "give a command: fetch, run, list or clean (see --help)",
    );
  }
  if (command === "-h" || command === "--help" || command === "help") {
    return { command: "help" };
  }
  if (rest.includes("-h") || rest.includes("--help")) {
    return { command: "help" };
  }
  switch (command) {
    case "fetch": {
      const { values, rest: others } = takeRepeated(rest, "kernel");
      const { booleans, strings } = parseFlags(others, {
        boolean: ["only"],
        string: ["jobs"],
      });
      let extra: KernelRequest[];
      try {
        extra = values.map(parseKernelRequest);
      } catch (e) {
        if (e instanceof MatrixError) throw new UsageError(e.message);
        throw e;
      }
      if (booleans.only && extra.length === 0) {
        throw new UsageError("--only needs at least one --kernel");
      }
      const all = booleans.only ? extra : [...DEFAULT_KERNELS, ...extra];
      const requests = all.filter((r, i) =>
        all.findIndex((o) => requestLabel(o) === requestLabel(r)) === i
      );
      return {
        command: "fetch",
        requests,
        jobs: positiveInt("--jobs", strings.jobs, 2),
      };
    }
    case "run": {
      const { values: kernels, rest: others } = takeRepeated(rest, "kernel");
      const mine: string[] = [];
      const kitArgs: string[] = [];
      for (let i = 0; i < others.length; i++) {
        const a = others[i];
        const name = /^--([^=]+)/.exec(a)?.[1];
        if (name && RUN_FLAGS.includes(name)) {
          mine.push(a);
          if (!a.includes("=") && i + 1 < others.length) mine.push(others[++i]);
        } else kitArgs.push(a);
      }
      const { strings } = parseFlags(mine, { string: RUN_FLAGS });
      const kit = parseKitArgs(kitArgs);
      const forbidden = NOT_FOR_KIT.filter((f) =>
        kitArgs.some((a) => a === `--${f}` || a.startsWith(`--${f}=`))
      );
      if (forbidden.length > 0 || kit.help) {
        throw new UsageError(
          `--${
            forbidden[0] ?? "help"
          } is not passed to the kit by the matrix (see --help)`,
        );
      }
      return {
        command: "run",
        kernels,
        jobs: positiveInt("--jobs", strings.jobs, 2),
        timeoutMs: positiveInt("--timeout", strings.timeout, 300) * 1000,
        memoryMiB: positiveInt("--memory", strings.memory, 1024),
        ...(strings.json ? { json: strings.json } : {}),
        ...(strings.markdown ? { markdown: strings.markdown } : {}),
        kitArgs,
      };
    }
    case "list":
      parseFlags(rest, {});
      return { command: "list" };
    case "clean": {
      const { positionals } = parseFlags(rest, { positional: true });
      return { command: "clean", releases: positionals };
    }
    default:
      throw new UsageError(
        `unknown command ${
          JSON.stringify(command)
        }: fetch, run, list or clean (see --help)`,
      );
  }
}

/**
 * The cached kernels `--kernel` picks: a release, or a prefix of one
 * (`6.12` picks `6.12.117+deb12-amd64`); none given picks all.
 *
 * @example
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { pickKernels } from "./args.ts";
 * const all = ["6.1.0-57-amd64", "6.12.117+deb12-amd64", "7.2.13+deb14-amd64"];
 * assertEquals(pickKernels(all, ["6.1"]), ["6.1.0-57-amd64"]);
 * assertEquals(pickKernels(all, ["6.12"]), ["6.12.117+deb12-amd64"]);
 * assertThrows(() => pickKernels(all, ["5.10"]));
 * ```
 */
export function pickKernels(releases: string[], wanted: string[]): string[] {
  if (wanted.length === 0) return releases;
  const out: string[] = [];
  for (const w of wanted) {
    const exact = releases.filter((r) => r === w);
    // "6.1" means 6.1.x, not 6.12: a prefix must end before a non-digit.
    const prefixed = releases.filter((r) =>
      r.startsWith(w) && !/^\d/.test(r.slice(w.length))
    );
    const found = exact.length ? exact : prefixed;
    if (found.length === 0) {
      throw new UsageError(
        `--kernel ${w}: no cached kernel matches (cached: ${
          releases.join(", ") || "none; run: deno task matrix fetch"
        })`,
      );
    }
    for (const f of found) if (!out.includes(f)) out.push(f);
  }
  return out;
}
