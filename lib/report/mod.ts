/**
 * Kit reports: one JSON shape (`closewait-report/2`, reading /1) built from a run's
 * case results and environment, rendered as Markdown for bug reports,
 * JUnit XML for CI and rows for the terminal; `compare` merges reports
 * from several machines into one cases × environments matrix.
 *
 * @example
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { parseKitReport, ReportFormatError } from "./mod.ts";
 * assertThrows(() => parseKitReport("{}"), ReportFormatError);
 * ```
 *
 * @module
 */

export * from "./report.ts";
export * from "./environment.ts";
export * from "./trace.ts";
export * from "./markdown.ts";
export * from "./junit.ts";
export * from "./console.ts";
export * from "./compare.ts";
export * from "./skips.ts";
