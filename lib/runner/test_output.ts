/**
 * Reads what `deno test` prints with its default reporter: which file is
 * running, each test's verdict, the case records and catalog lines the
 * cases print, and the errors of failed tests and of files that failed to
 * load. The kit compares these verdicts with the records, so a test that
 * fails without leaving a record still shows up as failed.
 *
 * The default reporter is the one that shows what tests print: in Deno 2.9
 * the dot, TAP and JUnit reporters drop test output, records included.
 *
 * @module
 */

import { type CaseResult, RESULT_PREFIX } from "../case/result.ts";
import { CASE_PREFIX, type CaseListing } from "../case/scenario.ts";

/** A test's verdict as `deno test` prints it. */
export type Verdict = "ok" | "FAILED" | "ignored";

/** A catalog line, with the case file it came from when known. */
export interface ListedCase extends CaseListing {
  /** The case file, as `deno test` names it (`cases/x_test.ts`). */
  file?: string;
}

/** Something worth reporting while a run goes on. */
export type TestEvent =
  | { kind: "file"; file: string }
  | { kind: "verdict"; name: string; verdict: Verdict; file?: string }
  | { kind: "record"; record: CaseResult }
  | { kind: "listing"; listing: ListedCase };

/** Everything read from one `deno test` run's stdout. */
export interface TestOutput {
  /** Case files in the order `deno test` ran (or failed to load) them. */
  files: string[];
  /** Verdicts by test name. */
  verdicts: Map<string, { verdict: Verdict; file?: string }>;
  /** Error text of failed tests, by test name. */
  errors: Map<string, string>;
  /** Error text of files that failed outside any test, by file. */
  uncaught: Map<string, string>;
  /** Case records (`CLOSEWAIT_REPORT=1`). */
  records: CaseResult[];
  /** Catalog lines (`CLOSEWAIT_LIST=1`). */
  listings: ListedCase[];
  /** Prefixed lines whose JSON did not parse. */
  malformed: string[];
  /** Whether the closing summary line (`ok | …` / `FAILED | …`) was seen. */
  finished: boolean;
}

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
const OUTPUT_START = /^------- (?:(?:pre|post)-test )?output -------$/;
const OUTPUT_END = /^----- (?:(?:pre|post)-test )?output end -----$/;
const RUNNING = /^running \d+ tests? from (.+)$/;
const VERDICT = /^(\S.*) \.\.\. (ok|FAILED|ignored)\b/;
const UNCAUGHT_FROM = /^Uncaught error from (.+) FAILED$/;
const EXIT_AT_LOAD =
  /^error (.+) called `Deno\.exit\((-?\d+)\)` from outside any test\./;
const ERROR_ENTRY = /^(\S.*) => (.+):\d+:\d+$/;
const UNCAUGHT_ENTRY = /^(\S+) \(uncaught error\)$/;
const SUMMARY = /^(ok|FAILED) \| \d+ passed/;

/** `./cases/x_test.ts` → `cases/x_test.ts`. */
function cleanFile(file: string): string {
  return file.trim().replace(/^\.[\\/]/, "");
}

/**
 * Reads `deno test` output line by line, as it streams.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { TestOutputParser } from "./test_output.ts";
 * const p = new TestOutputParser();
 * p.line("running 1 test from ./cases/a_test.ts");
 * p.line("a [deno] ... FAILED (2ms)");
 * assertEquals(p.result().verdicts.get("a [deno]")?.verdict, "FAILED");
 * ```
 */
export class TestOutputParser {
  #out: TestOutput = {
    files: [],
    verdicts: new Map(),
    errors: new Map(),
    uncaught: new Map(),
    records: [],
    listings: [],
    malformed: [],
    finished: false,
  };
  #section: "main" | "output" | "errors" | "failures" = "main";
  #file?: string;
  #pending: ListedCase[] = [];
  #entry?: { kind: "test" | "file"; key: string; lines: string[] };

  /** Feeds one line (without its newline); returns what it announced. */
  line(raw: string): TestEvent | undefined {
    const line = raw.replace(ANSI, "").replace(/\r$/, "");
    const event = this.#prefixed(line);
    if (event) return event;
    switch (this.#section) {
      case "output":
        if (OUTPUT_END.test(line)) this.#section = "main";
        // A file that throws at load leaves its pre-test block unclosed.
        else if (UNCAUGHT_FROM.test(line)) {
          this.#section = "main";
          return this.#mainLine(line);
        }
        return undefined;
      case "errors":
        return this.#errorLine(line);
      case "failures":
        if (SUMMARY.test(line)) this.#out.finished = true;
        return undefined;
      default:
        return this.#mainLine(line);
    }
  }

  /** Feeds a whole output. */
  text(output: string): this {
    for (const l of output.split("\n")) this.line(l);
    return this;
  }

  /** What was read so far. */
  result(): TestOutput {
    this.#closeEntry();
    for (const l of this.#pending) this.#out.listings.push(l);
    this.#pending = [];
    return this.#out;
  }

  #prefixed(line: string): TestEvent | undefined {
    const r = line.indexOf(RESULT_PREFIX);
    if (r >= 0) {
      const json = line.slice(r + RESULT_PREFIX.length);
      try {
        const record = JSON.parse(json) as CaseResult;
        this.#out.records.push(record);
        return { kind: "record", record };
      } catch {
        this.#out.malformed.push(line);
        return undefined;
      }
    }
    const c = line.indexOf(CASE_PREFIX);
    if (c >= 0) {
      try {
        const listing = JSON.parse(
          line.slice(c + CASE_PREFIX.length),
        ) as ListedCase;
        // Catalog lines print while a file loads, before its header.
        this.#pending.push(listing);
        return { kind: "listing", listing };
      } catch {
        this.#out.malformed.push(line);
      }
    }
    return undefined;
  }

  #enterFile(file: string): TestEvent {
    this.#file = file;
    if (!this.#out.files.includes(file)) this.#out.files.push(file);
    for (const l of this.#pending) this.#out.listings.push({ ...l, file });
    this.#pending = [];
    return { kind: "file", file };
  }

  #mainLine(line: string): TestEvent | undefined {
    if (OUTPUT_START.test(line)) {
      this.#section = "output";
      return undefined;
    }
    let m = RUNNING.exec(line);
    if (m) return this.#enterFile(cleanFile(m[1]));
    m = UNCAUGHT_FROM.exec(line);
    if (m) {
      const file = cleanFile(m[1]);
      this.#enterFile(file);
      if (!this.#out.uncaught.has(file)) this.#out.uncaught.set(file, "");
      return { kind: "file", file };
    }
    m = EXIT_AT_LOAD.exec(line);
    if (m) {
      const file = cleanFile(m[1]);
      this.#enterFile(file);
      this.#out.uncaught.set(
        file,
        `called Deno.exit(${m[2]}) while loading, outside any test`,
      );
      return { kind: "file", file };
    }
    m = VERDICT.exec(line);
    if (m) {
      const verdict = m[2] as Verdict;
      this.#out.verdicts.set(m[1], { verdict, file: this.#file });
      return { kind: "verdict", name: m[1], verdict, file: this.#file };
    }
    if (line.trim() === "ERRORS") this.#section = "errors";
    else if (line.trim() === "FAILURES") this.#section = "failures";
    else if (SUMMARY.test(line)) this.#out.finished = true;
    return undefined;
  }

  #errorLine(line: string): undefined {
    if (line.trim() === "FAILURES") {
      this.#closeEntry();
      this.#section = "failures";
      return undefined;
    }
    if (SUMMARY.test(line)) {
      this.#closeEntry();
      this.#out.finished = true;
      return undefined;
    }
    let m = UNCAUGHT_ENTRY.exec(line);
    if (m) {
      this.#closeEntry();
      this.#entry = { kind: "file", key: cleanFile(m[1]), lines: [] };
      return undefined;
    }
    m = ERROR_ENTRY.exec(line);
    if (m) {
      this.#closeEntry();
      this.#entry = { kind: "test", key: m[1], lines: [] };
      return undefined;
    }
    this.#entry?.lines.push(line);
    return undefined;
  }

  #closeEntry(): void {
    if (!this.#entry) return;
    const text = this.#entry.lines.join("\n").trim();
    if (this.#entry.kind === "test") {
      this.#out.errors.set(this.#entry.key, text);
    } else this.#out.uncaught.set(this.#entry.key, text);
    this.#entry = undefined;
  }
}

/**
 * Parses a complete `deno test` output.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseTestOutput } from "./test_output.ts";
 * const out = parseTestOutput("running 1 test from ./a_test.ts\nx [deno] ... ok (1ms)\n\nok | 1 passed | 0 failed (5ms)\n");
 * assertEquals([out.files, out.finished], [["a_test.ts"], true]);
 * ```
 */
export function parseTestOutput(output: string): TestOutput {
  return new TestOutputParser().text(output).result();
}

/**
 * One line saying why a `deno test` process stopped short, from its stderr:
 * the first type error with its place and count, or the first `error:` line.
 * `root` (a `file://` URL ending in `/`) is cut from places to shorten them.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { processErrorLine } from "./test_output.ts";
 * assertEquals(
 *   processErrorLine("error: Module not found \"file:///x.ts\".\n"),
 *   'Module not found "file:///x.ts".',
 * );
 * ```
 */
export function processErrorLine(
  stderr: string,
  root?: string,
): string | undefined {
  const lines = stderr.replace(ANSI, "").split("\n").map((l) =>
    l.replace(/\r$/, "")
  );
  const tsErrors = lines.filter((l) => /^TS\d+ \[ERROR\]: /.test(l));
  if (tsErrors.length > 0) {
    const first = lines.indexOf(tsErrors[0]);
    const place = lines.slice(first + 1).find((l) => /^\s+at \S+$/.test(l))
      ?.trim().slice("at ".length);
    const where = place && root && place.startsWith(root)
      ? place.slice(root.length)
      : place;
    const found = lines.map((l) => /^Found (\d+) errors?\.$/.exec(l))
      .find((m) => m);
    const count = found ? Number(found[1]) : tsErrors.length;
    const message = tsErrors[0].replace(/^(TS\d+) \[ERROR\]: /, "$1 ");
    const notes = [
      ...(where ? [`at ${where}`] : []),
      ...(count > 1 ? [`${count} type errors`] : []),
    ];
    return `type check failed: ${message}${
      notes.length ? ` (${notes.join("; ")})` : ""
    }`;
  }
  const error = lines.find((l) =>
    l.startsWith("error: ") && l !== "error: Test failed"
  );
  return error?.slice("error: ".length);
}
