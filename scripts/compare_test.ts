/** `deno task compare` as a user meets it: exit status and output. */
import { assertEquals, assertStringIncludes } from "@std/assert";

const root = new URL("..", import.meta.url);

async function compare(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-P=compare", "scripts/compare.ts", ...args],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  const stderr = text(out.stderr).split("\n").filter((l) =>
    l !== "" && !/^(Warning|Info) /.test(l)
  );
  return { code: out.code, stdout: text(out.stdout), stderr };
}

Deno.test("compare.ts prints the matrix of several reports, differing rows first", async () => {
  const r = await compare(
    "fixtures/reports/linux-x86_64.json",
    "fixtures/reports/linux-aarch64.json",
  );
  assertEquals(r.code, 0, r.stderr.join("\n"));
  assertStringIncludes(r.stdout, "# closewait conformance matrix");
  const rows = r.stdout.split("\n").filter((l) =>
    l.startsWith("| ≠ |") || l.startsWith("|  |")
  );
  assertEquals(rows.length, 24);
  assertEquals(rows.slice(0, 3).every((l) => l.startsWith("| ≠ |")), true);
});

Deno.test("compare.ts exits 2 with one line on a file that is not a kit report", async () => {
  const r = await compare(
    "fixtures/reports/linux-x86_64.json",
    "fixtures/reports/not_a_report.json",
  );
  assertEquals(r.code, 2);
  assertEquals(r.stderr, [
    'error: fixtures/reports/not_a_report.json is not a closewait kit report: no "schema": "closewait-report/2" or "closewait-report/1" (found undefined)',
  ]);
  assertEquals(r.stdout, "");
});

Deno.test("compare.ts exits 2 with one line on a missing file, an unknown flag or no file", async () => {
  const missing = await compare("fixtures/reports/nope.json");
  assertEquals(missing.code, 2);
  assertEquals(missing.stderr.length, 1);
  assertStringIncludes(
    missing.stderr[0],
    "error: cannot read fixtures/reports/nope.json:",
  );
  const flag = await compare("--html", "x");
  assertEquals([flag.code, flag.stderr], [2, [
    "error: unknown flag --html (see --help)",
  ]]);
  const none = await compare();
  assertEquals([none.code, none.stderr], [2, [
    "error: give at least one kit report (see --help)",
  ]]);
});

Deno.test("compare.ts exits 2 with one line when --markdown and --json name one file", async () => {
  const r = await compare(
    "fixtures/reports/linux-x86_64.json",
    "--markdown",
    "reports/m.md",
    "--json",
    "reports/./m.md",
  );
  assertEquals([r.code, r.stderr, r.stdout], [2, [
    "error: --markdown and --json name the same file (reports/./m.md); give each output its own file",
  ], ""]);
});

Deno.test("compare.ts exits 2 with one line naming the file and the field of a mistyped report", async () => {
  const dir = `reports/.selftest/compare-${crypto.randomUUID()}`;
  await Deno.mkdir(dir, { recursive: true });
  try {
    const report = JSON.parse(
      await Deno.readTextFile("fixtures/reports/linux-x86_64.json"),
    );
    report.environment.gcc = 12;
    const file = `${dir}/gcc12.json`;
    await Deno.writeTextFile(file, JSON.stringify(report));
    const r = await compare("fixtures/reports/linux-x86_64.json", file);
    assertEquals(r.code, 2, r.stderr.join("\n"));
    assertEquals(r.stderr.length, 1, r.stderr.join("\n"));
    assertStringIncludes(
      r.stderr[0],
      `error: ${file} is not a closewait kit report: environment.gcc: `,
    );
    assertEquals(r.stdout, "");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
