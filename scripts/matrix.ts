/**
 * The local kernel matrix: the whole kit on this machine and in one QEMU
 * guest per cached Debian kernel, merged into one cases × kernels table.
 *
 * Usage: `deno task matrix fetch|run|list|clean [...]` (`--help` for all).
 * Exit status: 0 done and nothing failed, 1 a case, a guest or a fetch
 * failed, 2 bad usage, missing tools or an unsupported machine, 130
 * interrupted (every guest stopped, nothing left behind).
 *
 * @module
 */

import { join } from "@std/path";
import config from "../deno.json" with { type: "json" };
import { cacheDir, CacheDirError } from "../lib/platform/mod.ts";
import { parseKitReport } from "../lib/report/report.ts";
import { summaryLine } from "../lib/report/markdown.ts";
import { runCommand, UsageError } from "../lib/runner/command_line.ts";
import { prepareOutputPath, writeOutput } from "../lib/runner/output_path.ts";
import {
  type CachedKernel,
  type ColumnResult,
  detectAccelerator,
  diskBytes,
  exec,
  FETCH_TOOLS,
  fetchKernels,
  findTool,
  formatBytes,
  GUEST_ROW_ID,
  hostPacketdrill,
  kernelsDir,
  listKernels,
  lockCache,
  mapLimited,
  MATRIX_HELP,
  MatrixError,
  matrixExitCode,
  mergeColumns,
  missingTools,
  missingToolsLine,
  parseKernelFacts,
  parseMatrixArgs,
  pickKernels,
  renderMatrixRun,
  RUN_TOOLS,
  runGuest,
  type Tool,
  unsupportedReason,
  VIRTIOFSD,
} from "../lib/matrix/mod.ts";

const KIT = { name: config.name, version: config.version };
/** The checkout (where deno.json is): the guests' working directory. */
const ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname)
  .replace(/\/$/, "");
const REPORTS = "reports/matrix";
const WRITE_HINT =
  "the matrix writes reports only under reports/ (deno.json permissions.matrix)";

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

async function requireTools(tools: readonly Tool[]): Promise<void> {
  const missing = await missingTools(tools);
  if (missing.length > 0) throw new UsageError(missingToolsLine(missing));
}

function interruptible(): { signal: AbortSignal; [Symbol.dispose](): void } {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    [Symbol.dispose]() {
      Deno.removeSignalListener("SIGINT", onSignal);
      Deno.removeSignalListener("SIGTERM", onSignal);
    },
  };
}

async function fetch(
  dir: string,
  cmd: Extract<ReturnType<typeof parseMatrixArgs>, { command: "fetch" }>,
): Promise<number> {
  await requireTools(FETCH_TOOLS);
  using _lock = await lockCache(dir);
  using interrupt = interruptible();
  const started = performance.now();
  console.log(`kernel cache: ${dir}`);
  const outcomes = await fetchKernels({
    requests: cmd.requests,
    dir,
    jobs: cmd.jobs,
    log: (line) => console.log(line),
    signal: interrupt.signal,
  });
  if (interrupt.signal.aborted) {
    console.log("interrupted");
    return 130;
  }
  const kernels = await listKernels(dir);
  const kept = (await Promise.all(kernels.map((k) => diskBytes(k.dir))))
    .reduce((a, b) => a + b, 0);
  const failed = outcomes.filter((o) => o.error);
  console.log(
    `fetched ${outcomes.length - failed.length} of ${outcomes.length} in ${
      seconds(performance.now() - started)
    }; ${kernels.length} kernels cached, ${formatBytes(kept)} kept`,
  );
  return failed.length > 0 ? 1 : 0;
}

async function list(dir: string): Promise<number> {
  const kernels = await listKernels(dir);
  console.log(`kernel cache: ${dir}`);
  if (kernels.length === 0) {
    console.log("no kernels cached; run: deno task matrix fetch");
    return 0;
  }
  let total = 0;
  for (const k of kernels) {
    const bytes = await diskBytes(k.dir);
    total += bytes;
    console.log(
      `${k.info.release.padEnd(28)} ${k.info.fs.padEnd(8)} ${
        formatBytes(bytes).padStart(9)
      }  ${k.info.request}  (${k.info.packages.map((p) => p.version)[0]}, ${
        k.info.prepared.slice(0, 10)
      })`,
    );
  }
  console.log(`${kernels.length} kernels, ${formatBytes(total)}`);
  return 0;
}

async function clean(dir: string, releases: string[]): Promise<number> {
  using _lock = await lockCache(dir);
  const cached = await listKernels(dir);
  if (releases.length === 0) {
    const bytes = await diskBytes(dir);
    for await (const e of Deno.readDir(dir)) {
      if (e.name === ".lock") continue;
      await Deno.remove(join(dir, e.name), { recursive: true });
    }
    console.log(`removed ${dir} (${formatBytes(bytes)})`);
    return 0;
  }
  const picked = pickKernels(cached.map((k) => k.info.release), releases);
  for (const r of picked) {
    const bytes = await diskBytes(join(dir, r));
    await Deno.remove(join(dir, r), { recursive: true });
    console.log(`removed ${r} (${formatBytes(bytes)})`);
  }
  return 0;
}

/** Runs the kit on the host (warming the guests' Deno cache on the way). */
async function runHost(
  runDir: string,
  denoDir: string,
  deno: string,
  kitArgs: string[],
  timeoutMs: number,
  signal: AbortSignal,
): Promise<ColumnResult> {
  const started = performance.now();
  const env = { DENO_DIR: denoDir, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
  // (DENO_DIR is the user's own, said explicitly so host and guests agree.)
  const reportFile = `${REPORTS}/.host-kit.json`;
  const r = await exec(
    deno,
    ["task", "kit", "--json", reportFile, ...kitArgs],
    { cwd: ROOT, env, timeoutMs, signal },
  );
  await Deno.writeFile(join(runDir, "host.stdout"), r.stdout);
  await Deno.writeTextFile(join(runDir, "host.stderr"), r.stderr);
  const facts = await exec(
    deno,
    ["run", "--allow-ffi", "--allow-sys=osRelease", "lib/matrix/facts.ts"],
    { cwd: ROOT, env, timeoutMs: 60_000, signal },
  );
  const report = await Deno.readTextFile(join(ROOT, reportFile))
    .catch(() => undefined);
  await Deno.remove(join(ROOT, reportFile)).catch(() => {});
  const release = Deno.osRelease();
  const base: ColumnResult = {
    name: "host",
    release,
    kind: "host",
    status: "done",
    rc: r.code ?? undefined,
    report,
    facts: parseKernelFacts(new TextDecoder().decode(facts.stdout)),
    wallMs: performance.now() - started,
  };
  if (signal.aborted) return { ...base, status: "interrupted" };
  if (r.timedOut) {
    return {
      ...base,
      status: "timeout",
      reason: `no result within ${seconds(timeoutMs)}`,
    };
  }
  if (!report) {
    const line = r.stderr.split("\n").filter((l) => l.trim()).at(-1) ?? "";
    return {
      ...base,
      status: "no-report",
      reason: `the kit exited with ${r.code} without a report${
        line ? `: ${line}` : ""
      }`,
    };
  }
  return base;
}

/** A column's counts as the kit's own summary line says them. */
function summaryOf(report: string | undefined): string {
  if (!report) return "";
  try {
    return summaryLine(parseKitReport(report).summary);
  } catch {
    return "";
  }
}

async function run(
  dir: string,
  cmd: Extract<ReturnType<typeof parseMatrixArgs>, { command: "run" }>,
): Promise<number> {
  await requireTools(RUN_TOOLS);
  const cached = await listKernels(dir);
  if (cached.length === 0) {
    throw new UsageError(
      `no kernels cached in ${dir}; run: deno task matrix fetch`,
    );
  }
  const picked = pickKernels(cached.map((k) => k.info.release), cmd.kernels);
  const kernels: CachedKernel[] = picked.map((r) =>
    cached.find((k) => k.info.release === r)!
  );
  const virtiofsd = kernels.some((k) => k.info.fs === "virtiofs")
    ? await findTool(VIRTIOFSD)
    : undefined;
  if (kernels.some((k) => k.info.fs === "virtiofs") && !virtiofsd) {
    throw new UsageError(missingToolsLine([VIRTIOFSD]));
  }
  for (
    const [flag, path] of [["--json", cmd.json], ["--markdown", cmd.markdown]]
  ) {
    if (path) await prepareOutputPath(flag!, path, WRITE_HINT);
  }
  await prepareOutputPath("reports", `${REPORTS}/host.json`, WRITE_HINT);
  let deno: string;
  try {
    deno = Deno.execPath();
  } catch (e) {
    throw new UsageError(
      `cannot find the Deno binary (${
        (e as Error).message
      }); allow reading it with --allow-read`,
    );
  }
  const tools = {
    qemu: (await findTool(RUN_TOOLS[0]))!,
    setpriv: (await findTool(RUN_TOOLS[1]))!,
    virtiofsd,
  };

  using _lock = await lockCache(dir);
  using interrupt = interruptible();
  const signal = interrupt.signal;
  const runs = join(dir, "runs");
  // The lock is ours: any run folder left is from a run that was killed.
  await Deno.remove(runs, { recursive: true }).catch(() => {});
  const runDir = join(runs, `${Date.now()}-${Deno.pid}`);
  await Deno.mkdir(runDir, { recursive: true });
  for await (const e of Deno.readDir(REPORTS)) {
    if (/\.(json|console\.log)$/.test(e.name)) {
      await Deno.remove(join(REPORTS, e.name)).catch(() => {});
    }
  }
  // The guests read the user's own Deno cache (read-only, under a tmpfs
  // overlay of their own), which the host's run has just filled with
  // everything the kit needs: npm packages and type-check results.
  const info = await exec(deno, ["info", "--json"], {
    cwd: ROOT,
    timeoutMs: 60_000,
    signal,
  });
  let denoDir: string;
  try {
    denoDir = JSON.parse(new TextDecoder().decode(info.stdout)).denoDir;
    if (typeof denoDir !== "string" || !denoDir.startsWith("/")) throw 0;
  } catch {
    throw new MatrixError(
      `deno info --json did not say where Deno's cache is${
        info.stderr ? `: ${info.stderr.trim().split("\n").at(-1)}` : ""
      }`,
    );
  }

  const accel = await detectAccelerator();
  // The kit task's own cache folder first, as the kit's lookup goes.
  const packetdrill = await hostPacketdrill(
    [join(ROOT, "node_modules/.cache/closewait"), cacheDir()],
    Deno.env.get("CLOSEWAIT_PACKETDRILL"),
  );
  const started = performance.now();
  console.log(
    `closewait kernel matrix: host ${Deno.osRelease()} + ${kernels.length} guest${
      kernels.length === 1 ? "" : "s"
    } (${kernels.map((k) => k.info.release).join(", ")})`,
  );
  console.log(
    `guests: QEMU ${accel.reason}; ${cmd.jobs} at a time, ${cmd.memoryMiB} MiB, ${
      seconds(cmd.timeoutMs)
    } each; loopback networking only`,
  );
  // Under TCG a guest's calls return tens of ms late (connect() 27-33 ms
  // in a 6.1 and a 7.2 guest), beyond the scripts' 25 ms tolerance.
  const packetdrillSkip = accel.name === "tcg"
    ? "packetdrill does not run in a TCG guest: an emulated CPU returns calls later than the scripts' 25 ms timing tolerance"
    : undefined;
  console.log(
    !packetdrill
      ? "packetdrill: none on the host, so the guests skip its rows too"
      : packetdrillSkip
      ? `packetdrill: ${packetdrill} on the host; the guests skip its rows (TCG is slower than its timing tolerance)`
      : `packetdrill: ${packetdrill} (the guests run it too)`,
  );
  if (cmd.kitArgs.length) console.log(`kit flags: ${cmd.kitArgs.join(" ")}`);

  // CLOSEWAIT_MATRIX_KEEP=1 keeps each guest's folder (cmd.sh, stdout,
  // stderr, facts) for a look after the run.
  const keep = Deno.env.get("CLOSEWAIT_MATRIX_KEEP") === "1";
  const columns: ColumnResult[] = [];
  try {
    console.log(`host ${Deno.osRelease()}: running`);
    const host = await runHost(
      runDir,
      denoDir,
      deno,
      cmd.kitArgs,
      cmd.timeoutMs,
      signal,
    );
    columns.push(host);
    console.log(
      `host ${host.release}: ${host.status}${
        host.reason ? ` (${host.reason})` : ""
      }, kit exit ${host.rc ?? "-"}, ${summaryOf(host.report)} (${
        seconds(host.wallMs)
      })`,
    );
    const guests = signal.aborted ? [] : await mapLimited(
      kernels,
      cmd.jobs,
      async (k): Promise<ColumnResult> => {
        const t0 = performance.now();
        const name = k.info.release;
        if (signal.aborted) {
          return {
            name,
            release: name,
            kind: "guest",
            status: "interrupted",
            wallMs: 0,
          };
        }
        console.log(`${name}: booting (${k.info.fs})`);
        const o = await runGuest({
          kernel: k,
          outDir: join(runDir, name),
          command: {
            cwd: ROOT,
            deno,
            denoDir,
            kitArgs: cmd.kitArgs,
            kitTask: config.tasks.kit,
            ...(packetdrill ? { packetdrill } : {}),
            ...(packetdrillSkip ? { packetdrillSkip } : {}),
          },
          accel: accel.name,
          memoryMiB: cmd.memoryMiB,
          timeoutMs: cmd.timeoutMs,
          tools,
          signal,
          onRunning: () =>
            console.log(
              `${name}: running (booted in ${seconds(performance.now() - t0)})`,
            ),
        });
        const wallMs = performance.now() - t0;
        const s = o.steps ?? {};
        const split = s.start !== undefined && s.kit !== undefined &&
            s.end !== undefined
          ? `; guest: boot ${s.start.toFixed(1)} s, facts ${
            (s.kit - s.start).toFixed(1)
          } s, kit ${(s.end - s.kit).toFixed(1)} s`
          : "";
        console.log(
          `${name}: ${o.status}${o.reason ? ` (${o.reason})` : ""}, kit exit ${
            o.rc ?? "-"
          }${o.report ? `, ${summaryOf(o.report)}` : ""} (${
            seconds(wallMs)
          }${split})`,
        );
        return {
          name,
          release: name,
          kind: "guest",
          fs: k.info.fs,
          request: k.info.request,
          status: o.status,
          reason: o.reason,
          rc: o.rc,
          report: o.report,
          facts: o.facts,
          bootSeconds: o.bootSeconds,
          wallMs,
          consoleTail: o.consoleTail,
        };
      },
    );
    columns.push(...guests);
  } finally {
    if (keep) console.log(`kept the run's folder: ${runDir}`);
    else {
      await Deno.remove(runDir, { recursive: true }).catch(() => {});
      await Deno.remove(runs).catch(() => {});
    }
  }

  const files = columns.map((c) =>
    `${REPORTS}/${c.kind === "host" ? "host" : c.release}.json`
  );
  const { matrix, reports } = mergeColumns(columns, files, KIT);
  for (const [i, c] of columns.entries()) {
    await writeOutput(
      "reports",
      files[i],
      JSON.stringify(reports[i], null, 2) + "\n",
    );
    if (c.status !== "done" && c.consoleTail?.length) {
      await writeOutput(
        "reports",
        `${REPORTS}/${c.release}.console.log`,
        c.consoleTail.join("\n") + "\n",
      );
    }
  }
  const markdown = renderMatrixRun(columns, matrix, accel.reason);
  console.log("");
  console.log(markdown);
  if (cmd.markdown) {
    await writeOutput("--markdown", cmd.markdown, markdown);
    console.log(`wrote ${cmd.markdown}`);
  }
  if (cmd.json) {
    const data = {
      accelerator: accel,
      columns: columns.map((c, i) => ({
        ...c,
        report: files[i],
      })),
      matrix,
    };
    await writeOutput("--json", cmd.json, JSON.stringify(data, null, 2) + "\n");
    console.log(`wrote ${cmd.json}`);
  }
  const differing =
    matrix.rows.filter((r) => r.differs && r.id !== GUEST_ROW_ID)
      .length;
  console.log(
    `matrix: ${columns.length} columns in ${
      seconds(performance.now() - started)
    } (${accel.name.toUpperCase()}, ${cmd.jobs} guest${
      cmd.jobs === 1 ? "" : "s"
    } at a time); ${differing} case rows differ; reports in ${REPORTS}/`,
  );
  if (signal.aborted) {
    console.log("interrupted: every guest was stopped");
    return 130;
  }
  return matrixExitCode(reports);
}

async function main(args: string[]): Promise<number> {
  const cmd = parseMatrixArgs(args);
  if (cmd.command === "help") {
    console.log(MATRIX_HELP);
    return 0;
  }
  const unsupported = unsupportedReason(Deno.build.os, Deno.build.arch);
  if (unsupported) throw new UsageError(unsupported);
  let dir: string;
  try {
    dir = kernelsDir();
  } catch (e) {
    if (e instanceof CacheDirError) throw new UsageError(e.message);
    throw e;
  }
  try {
    switch (cmd.command) {
      case "fetch":
        return await fetch(dir, cmd);
      case "run":
        return await run(dir, cmd);
      case "list":
        return await list(dir);
      case "clean":
        return await clean(dir, cmd.releases);
    }
  } catch (e) {
    if (!(e instanceof MatrixError)) throw e;
    console.error(`error: ${e.message}`);
    return 1;
  }
}

if (import.meta.main) await runCommand(main);
