/**
 * One `deno test -P` child process for the kit: started with the same Deno
 * binary, read as it streams, killed when it overruns its deadline, and
 * always reaped.
 *
 * @module
 */

import { fromFileUrl, join } from "@std/path";
import config from "../../deno.json" with { type: "json" };
import { cacheDir } from "../platform/mod.ts";
import {
  type PermissionExtras,
  widenedPermissionFlags,
} from "./test_permissions.ts";

/** The kit's folder, where its deno.json and permission sets are. */
const KIT_ROOT = new URL("../../", import.meta.url);
import { TextLineStream } from "@std/streams/text-line-stream";
import {
  type TestEvent,
  type TestOutput,
  TestOutputParser,
} from "./test_output.ts";
import { TIMED_OUT, within } from "../deadline/within.ts";
import { GroupGuard } from "./process_group.ts";
import {
  canRunTogether,
  removeEntry,
  StartedTest,
  writeEntry,
} from "./together.ts";

/** What to run. */
export interface TestRequest {
  /** Case files or directories, relative to the working directory. */
  paths: string[];
  /** A `deno test --filter` value (`/regex/` or text). */
  filter?: string;
  /** Catalog mode (`CLOSEWAIT_LIST=1`, no type check): nothing runs. */
  list?: boolean;
  /** Deadline for the whole process (ms). */
  timeoutMs: number;
  /** Called for each file, verdict, record or catalog line as it arrives. */
  onEvent?: (event: TestEvent) => void;
  /** Aborting it stops the process (SIGTERM, then SIGKILL): Ctrl-C. */
  signal?: AbortSignal;
  /** More environment for the process (`CLOSEWAIT_REQUIRE`, a run id). */
  env?: Record<string, string>;
  /**
   * Run the files as one test module (together.ts): the library loads once
   * and requirements are probed once. Ignored for a single file or a
   * directory.
   */
  together?: boolean;
}

/** How a `deno test` process went. */
export interface TestProcess {
  /** What its stdout said. */
  output: TestOutput;
  /** Exit code (`null` when killed by a signal). */
  code: number | null;
  /** The signal that ended it, if any. */
  signal: Deno.Signal | null;
  /** Whether the kit killed it for overrunning its deadline. */
  timedOut: boolean;
  /** Its stderr (the last 256 KiB). */
  stderr: string;
  /** The test that had started without a verdict when its output ended. */
  startedTest?: string;
}

/** Runs one request; injectable so the kit's logic can be tested alone. */
export type TestRunner = (request: TestRequest) => Promise<TestProcess>;

const STDERR_KEEP = 256 * 1024;
/** After the process ends, how long its pipes may take to drain (ms). */
const DRAIN_MS = 5000;
/** Between SIGTERM and SIGKILL (ms). */
const KILL_GRACE_MS = 3000;

/**
 * The arguments of the `deno test` command line for a request.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { testArgs } from "./deno_test_process.ts";
 * assertEquals(
 *   testArgs({ paths: ["cases/"], list: true, filter: "/x/", timeoutMs: 1 }),
 *   ["test", "-P", "--no-check", "--filter", "/x/", "cases/"],
 * );
 * ```
 */
export function testArgs(
  request: TestRequest,
  permissions: readonly string[] = [],
): string[] {
  return [
    "test",
    "-P",
    ...permissions,
    ...(request.list ? ["--no-check"] : []),
    ...(request.filter !== undefined ? ["--filter", request.filter] : []),
    ...request.paths,
  ];
}

/**
 * What a test process needs beyond the `-P` set: the cache folder (named
 * once here and handed down, so every process agrees on it, with its
 * Unix-socket path, which Deno wants absolute) and the compiler
 * `$CLOSEWAIT_CC` names, which no permission set can list ahead.
 */
function cachePermissions(): { flags: string[]; env: Record<string, string> } {
  const extras: PermissionExtras = {};
  const env: Record<string, string> = {};
  try {
    const dir = cacheDir();
    env.CLOSEWAIT_CACHE_DIR = dir;
    extras.net = [`unix:${join(dir, "unix.sock")}`];
    extras.read = [dir];
    extras.write = [dir];
    extras.run = [join(dir, "closewait-helper")];
  } catch {
    // No cache folder can be named: the helper's cases say so when skipped.
  }
  const cc = Deno.env.get("CLOSEWAIT_CC");
  if (cc) extras.run = [...(extras.run ?? []), cc];
  return {
    flags: widenedPermissionFlags(
      config.permissions.default,
      extras,
      fromFileUrl(KIT_ROOT),
    ),
    env,
  };
}

async function readLines(
  stream: ReadableStream<Uint8Array>,
  signal: AbortSignal,
  onLine: (line: string) => void,
): Promise<void> {
  const lines = stream.pipeThrough(new TextDecoderStream(), { signal })
    .pipeThrough(new TextLineStream() as TransformStream<string, string>);
  for await (const line of lines) onLine(line);
}

async function readTail(
  stream: ReadableStream<Uint8Array>,
  signal: AbortSignal,
): Promise<string> {
  let text = "";
  const chunks = stream.pipeThrough(new TextDecoderStream(), { signal });
  for await (const chunk of chunks) {
    text += chunk;
    if (text.length > 2 * STDERR_KEEP) text = text.slice(-STDERR_KEEP);
  }
  return text.length > STDERR_KEEP ? text.slice(-STDERR_KEEP) : text;
}

/**
 * Runs `deno test -P` (the running Deno binary) with `CLOSEWAIT_REPORT=1`,
 * or `CLOSEWAIT_LIST=1` for the catalog, and `NO_COLOR=1` so its output
 * reads plainly. On the deadline it sends SIGTERM, then SIGKILL.
 *
 * @example
 * ```ts ignore
 * import { runDenoTest } from "./deno_test_process.ts";
 * const p = await runDenoTest({ paths: ["cases/"], list: true, timeoutMs: 60_000 });
 * console.log(p.output.listings.map((l) => l.id));
 * ```
 */
export async function runDenoTest(request: TestRequest): Promise<TestProcess> {
  const parser = new TestOutputParser();
  const started = new StartedTest();
  const { flags, env } = cachePermissions();
  // An entry module lives as long as its run (together.ts).
  const entry = request.together && canRunTogether(request.paths)
    ? await writeEntry(request.paths)
    : undefined;
  const paths = entry !== undefined ? [entry] : request.paths;
  const child = new Deno.Command(Deno.execPath(), {
    args: testArgs({ ...request, paths }, flags),
    env: {
      ...env,
      NO_COLOR: "1",
      // No update check: a run touches nothing but loopback.
      DENO_NO_UPDATE_CHECK: "1",
      ...request.env,
      ...(request.list
        ? { CLOSEWAIT_LIST: "1", CLOSEWAIT_REPORT: "0" }
        : { CLOSEWAIT_REPORT: "1", CLOSEWAIT_LIST: "0" }),
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    // A process group of its own, ended whole (process_group.ts).
    detached: Deno.build.os !== "windows",
  }).spawn();
  const guard = GroupGuard.start(child.pid);
  let timedOut = false;
  let killer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    if (killer !== undefined) return;
    guard?.kill();
    try {
      child.kill(Deno.build.os === "windows" ? "SIGKILL" : "SIGTERM");
    } catch { /* already gone */ }
    killer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    }, KILL_GRACE_MS);
  };
  const deadline = setTimeout(() => {
    timedOut = true;
    stop();
  }, request.timeoutMs);
  if (request.signal?.aborted) stop();
  request.signal?.addEventListener("abort", stop);
  const abandon = new AbortController();
  const stdout = readLines(child.stdout, abandon.signal, (line) => {
    started.line(line);
    const event = parser.line(line);
    if (event) request.onEvent?.(event);
  });
  const stderr = readTail(child.stderr, abandon.signal);
  let status: Deno.CommandStatus;
  try {
    status = await child.status;
  } finally {
    clearTimeout(deadline);
    clearTimeout(killer);
    request.signal?.removeEventListener("abort", stop);
    // Whatever the process left in its group (a capture, a helper) ends.
    await guard?.end();
  }
  // A grandchild that kept a pipe open must not hang the kit: after the
  // drain deadline the pipes are abandoned (which cancels them).
  const pipes = Promise.allSettled([stdout, stderr]);
  let settled = await within(pipes, DRAIN_MS);
  if (settled === TIMED_OUT) {
    abandon.abort();
    settled = await within(pipes, DRAIN_MS);
  }
  const err = settled === TIMED_OUT ? undefined : settled[1];
  const stderrText = err?.status === "fulfilled" ? err.value : "";
  if (entry !== undefined) await removeEntry(entry);
  return {
    output: parser.result(),
    code: status.signal === null ? status.code : null,
    signal: status.signal,
    timedOut,
    stderr: stderrText,
    ...(started.name !== undefined ? { startedTest: started.name } : {}),
  };
}
