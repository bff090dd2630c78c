/**
 * Merges kit JSON reports from several machines or kernels into one matrix
 * (cases × environments), rows that differ first.
 *
 * Usage: `deno task compare A.json B.json ... [--markdown FILE] [--json FILE]`.
 * The Markdown goes to stdout unless `--markdown` is given.
 * Exit status: 0 done, 2 bad usage or a file that is not a kit report.
 *
 * @module
 */

import { compareReports, renderMatrixMarkdown } from "../lib/report/compare.ts";
import {
  parseFlags,
  runCommand,
  UsageError,
} from "../lib/runner/command_line.ts";
import {
  assertDistinctOutputs,
  prepareOutputPath,
  writeOutput,
} from "../lib/runner/output_path.ts";
import {
  type KitReport,
  parseKitReport,
  ReportFormatError,
} from "../lib/report/report.ts";

const HELP = `closewait compare: merges kit JSON reports into one matrix.

Usage: deno task compare REPORT.json... [options]

Options:
  --markdown FILE   write the matrix as Markdown to FILE (default: stdout)
  --json FILE       write the matrix as JSON to FILE
  -h, --help        show this help

Output files must be under reports/ (deno.json "permissions.compare").
Exit status: 0 done, 2 bad usage or a file that is not a kit report.`;

const WRITE_HINT =
  "compare writes only under reports/ (deno.json permissions.compare)";

async function main(args: string[]): Promise<number> {
  const { help, strings: flags, positionals } = parseFlags(args, {
    string: ["markdown", "json"],
    positional: true,
  });
  if (help) {
    console.log(HELP);
    return 0;
  }
  assertDistinctOutputs([["--markdown", flags.markdown], [
    "--json",
    flags.json,
  ]]);
  const files = positionals;
  if (files.length === 0) {
    throw new UsageError("give at least one kit report (see --help)");
  }
  const reports: { file: string; report: KitReport }[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await Deno.readTextFile(file);
    } catch (e) {
      throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
    }
    try {
      reports.push({ file, report: parseKitReport(text) });
    } catch (e) {
      if (!(e instanceof ReportFormatError)) throw e;
      throw new UsageError(
        `${file} is not a closewait kit report: ${e.message}`,
      );
    }
  }
  if (flags.markdown) {
    await prepareOutputPath("--markdown", flags.markdown, WRITE_HINT);
  }
  if (flags.json) await prepareOutputPath("--json", flags.json, WRITE_HINT);

  const matrix = compareReports(reports);
  const markdown = renderMatrixMarkdown(matrix);
  if (flags.markdown) {
    await writeOutput("--markdown", flags.markdown, markdown);
    console.error(`wrote ${flags.markdown}`);
  } else {
    console.log(markdown);
  }
  if (flags.json) {
    await writeOutput(
      "--json",
      flags.json,
      JSON.stringify(matrix, null, 2) + "\n",
    );
    console.error(`wrote ${flags.json}`);
  }
  return 0;
}

if (import.meta.main) await runCommand(main);
