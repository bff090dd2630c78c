/**
 * The kit runner: runs every conformance case on this machine in `deno test`
 * child processes, then prints the machine, one row per case and layer and
 * the counts, and writes the reports asked for.
 *
 * Usage: `deno task kit [--list] [--filter TEXT|/REGEX/] [--layer LAYER]
 * [--require LIST] [--json FILE] [--markdown FILE] [--junit FILE]`
 * (`--help` for all). Exit status: 0 nothing failed, 1 something failed,
 * 2 bad usage, 130 interrupted by Ctrl-C, 143 by SIGTERM (the cases that
 * finished are still printed; nothing the kit started keeps running).
 *
 * @module
 */

import { setColorEnabled } from "@std/fmt/colors";
import config from "../deno.json" with { type: "json" };
import { cachedCatalog } from "../lib/runner/catalog_cache.ts";
import { runCommand, UsageError } from "../lib/runner/command_line.ts";
import { kitTestRunner } from "../lib/runner/kit_test_runner.ts";
import { Interrupt } from "../lib/runner/interrupt.ts";
import { checkLaunch } from "../lib/runner/launch.ts";
import { escapesAllowed, terminalType } from "../lib/runner/progress.ts";
import { probeEnvironment } from "../lib/report/environment.ts";
import { KIT_HELP, type KitOptions, parseKitArgs } from "../lib/runner/args.ts";
import {
  type Catalog,
  idFromFile,
  loadCatalog,
  type Progress,
  select,
} from "../lib/runner/runner.ts";
import { runKit } from "../lib/runner/kit_run.ts";
import {
  checkOutputPath,
  prepareOutputPath,
  writeOutput,
} from "../lib/runner/output_path.ts";
import { buildReport, type KitInfo } from "../lib/report/report.ts";
import {
  renderHeader,
  renderRows,
  renderSummary,
} from "../lib/report/console.ts";
import { renderJunit } from "../lib/report/junit.ts";
import { renderMarkdown } from "../lib/report/markdown.ts";
import { scriptFolderProblem } from "../lib/packetdrill/layer.ts";

const KIT: KitInfo = { name: config.name, version: config.version };
const WRITE_HINT =
  "the kit writes only under reports/ (deno.json permissions.kit), e.g. --json reports/kit.json";

const encoder = new TextEncoder();

/**
 * The progress line: redrawn in place on a terminal (not `TERM=dumb`), one
 * line per file otherwise.
 */
class ProgressLine {
  readonly #tty = escapesAllowed(Deno.stderr.isTerminal(), terminalType());
  #lastFile?: string;
  #drawn = false;

  show(p: Progress): void {
    if (this.#tty) {
      const latest = p.latest ? `  ${p.latest} ${p.latestStatus ?? ""}` : "";
      const text = `running: ${p.done}/${p.total} done${latest}`;
      let width = 100;
      try {
        width = Deno.consoleSize().columns;
      } catch { /* not a terminal after all */ }
      Deno.stderr.writeSync(
        encoder.encode(`\r\x1b[2K${text.slice(0, Math.max(20, width - 1))}`),
      );
      this.#drawn = true;
    } else if (p.file && p.file !== this.#lastFile) {
      this.#lastFile = p.file;
      console.error(`running ${p.file} (${p.done}/${p.total} done)`);
    }
  }

  /** A passing note, shown on a terminal only (and replaced by the next). */
  note(text: string): void {
    if (!this.#tty) return;
    Deno.stderr.writeSync(encoder.encode(`\r\x1b[2K${text}`));
    this.#drawn = true;
  }

  clear(): void {
    if (this.#tty && this.#drawn) {
      Deno.stderr.writeSync(encoder.encode("\r\x1b[2K"));
    }
    this.#drawn = false;
  }
}

function printList(catalog: Catalog, opts: KitOptions): number {
  const selection = select(catalog, opts.filter, opts.layer, opts.runtimes);
  if (!selection) throw new UsageError(noMatch(opts));
  const byId = new Map<string, { layers: string[]; summary: string }>();
  for (const e of selection.entries) {
    const item = byId.get(e.id) ?? { layers: [], summary: e.summary };
    item.layers.push(e.layer);
    byId.set(e.id, item);
  }
  const width = Math.max(4, ...[...byId.keys()].map((id) => id.length));
  const layersWidth = Math.max(
    6,
    ...[...byId.values()].map((v) => v.layers.join(",").length),
  );
  for (const [id, item] of byId) {
    console.log(
      `${id.padEnd(width)}  ${
        item.layers.join(",").padEnd(layersWidth)
      }  ${item.summary}`,
    );
  }
  for (const p of selection.problems) {
    console.log(
      `${idFromFile(p.file).padEnd(width)}  ${
        "?".padEnd(layersWidth)
      }  ${p.file}: ${p.reason}`,
    );
  }
  return selection.problems.length > 0 ? 1 : 0;
}

function noMatch(opts: KitOptions): string {
  const what = [
    opts.filter ? `--filter ${opts.filter.text}` : "",
    opts.layer ? `--layer ${opts.layer}` : "",
  ].filter((x) => x).join(" ");
  return `no case matches ${what} (see --list)`;
}

async function main(args: string[]): Promise<number> {
  const opts = parseKitArgs(args);
  if (opts.help) {
    console.log(KIT_HELP);
    return 0;
  }
  checkLaunch("kit");
  setColorEnabled(
    escapesAllowed(Deno.stdout.isTerminal(), terminalType()) && !Deno.noColor,
  );
  const outputs: [string, string | undefined][] = [
    ["--json", opts.json],
    ["--markdown", opts.markdown],
    ["--junit", opts.junit],
  ];
  // Checked now, created only once there is a run to report (never for
  // --list or a selection that matches nothing).
  for (const [flag, path] of outputs) {
    if (path) await checkOutputPath(flag, path, WRITE_HINT);
  }
  const scriptsProblem = opts.packetdrill &&
    await scriptFolderProblem(opts.packetdrill);
  if (scriptsProblem) {
    throw new UsageError(
      `--packetdrill ${opts.packetdrill}: ${scriptsProblem}; ${WRITE_HINT}`,
    );
  }

  // Ctrl-C or SIGTERM stops the test process and everything in its process
  // group (helpers, tcpdump), then the cases that finished are printed.
  using interrupt = new Interrupt();
  const run = kitTestRunner(interrupt.signal, opts.require);
  const progress = new ProgressLine();
  progress.note(`reading the cases in ${opts.cases}/ ...`);
  let catalog: Catalog;
  try {
    catalog = await cachedCatalog(
      opts.cases,
      () => loadCatalog(opts.cases, run),
    );
  } finally {
    progress.clear();
  }
  if (interrupt.signal.aborted) {
    console.error("interrupted while reading the cases");
    return interrupt.exitCode;
  }
  if (catalog.entries.length === 0 && catalog.problems.length === 0) {
    throw new UsageError(`no cases found in ${opts.cases}`);
  }
  if (opts.list) return printList(catalog, opts);
  const selection = select(catalog, opts.filter, opts.layer, opts.runtimes);
  if (!selection) throw new UsageError(noMatch(opts));
  for (const [flag, path] of outputs) {
    if (path) await prepareOutputPath(flag, path, WRITE_HINT);
  }

  const environment = await probeEnvironment();
  console.log(renderHeader(KIT, environment));
  console.log("");
  const started = performance.now();
  let rows;
  let scripts: string[];
  try {
    // Each wire case's run replayed by packetdrill (a row after its wire
    // row) while the other cases still run.
    ({ rows, written: scripts } = await runKit(selection, run, {
      onProgress: (p) => progress.show(p),
      signal: interrupt.signal,
      jobs: opts.jobs,
    }, {
      kit: KIT,
      platform: `${environment.os} ${environment.kernel} ${environment.arch}`,
      writeDir: opts.packetdrill,
    }));
  } finally {
    progress.clear();
  }
  const report = buildReport(
    KIT,
    environment,
    rows,
    {
      ...(opts.filter ? { filter: opts.filter.text } : {}),
      ...(opts.layer ? { layer: opts.layer } : {}),
    },
    new Date(),
    { args, cases: opts.cases },
  );
  console.log(renderRows(report.cases));
  console.log("");
  console.log(
    `${renderSummary(report.summary, report.cases)} (${
      ((performance.now() - started) / 1000).toFixed(1)
    } s)`,
  );

  const rendered: Record<string, () => string> = {
    "--json": () => JSON.stringify(report, null, 2) + "\n",
    "--markdown": () => renderMarkdown(report, { evidence: opts.evidence }),
    "--junit": () => renderJunit(report),
  };
  for (const [flag, path] of outputs) {
    if (!path) continue;
    await writeOutput(flag, path, rendered[flag]());
    console.log(`wrote ${path}`);
  }
  if (opts.packetdrill) {
    console.log(
      `wrote ${scripts.length} packetdrill scripts to ${opts.packetdrill}`,
    );
  }
  if (interrupt.signal.aborted) {
    console.log(
      `interrupted: ${rows.length} of ${selection.entries.length} case rows finished`,
    );
    return interrupt.exitCode;
  }
  return report.summary.failed > 0 ? 1 : 0;
}

if (import.meta.main) await runCommand(main);
