/**
 * Every Mermaid block the Markdown report writes renders in a real browser:
 * headless Chromium (Debian's `chromium`, which scripts/setup.sh installs
 * when run as root) loads Mermaid 11 from node_modules (npm `mermaid`, a
 * devDependency: the major version GitHub renders with), renders each
 * block, and reports parse errors and notes whose text is wider than their
 * box. Skipped, saying why, when Chromium or Mermaid is missing.
 *
 * Chromium is kept off the network: every host name resolves to nothing,
 * every proxy is a closed loopback port, and background services are off.
 */
import { assert, assertEquals } from "@std/assert";
import { parseKitReport } from "./report.ts";
import { renderMarkdown } from "./markdown.ts";

const root = new URL("../../", import.meta.url);
const filePath = (url: URL) => decodeURIComponent(url.pathname);
const MERMAID = new URL("node_modules/mermaid/dist/mermaid.min.js", root);
const SCRATCH = new URL("reports/.selftest/mermaid/", root);

/** Why the browser check cannot run here, or `undefined`. */
async function browserMissing(): Promise<string | undefined> {
  if (Deno.build.os !== "linux") return "the check uses Debian's chromium";
  for (const command of ["chromium", "cat"]) {
    const p = await Deno.permissions.query({ name: "run", command });
    if (p.state !== "granted") {
      return `${command} is not in deno.json's run permissions`;
    }
  }
  try {
    const out = await new Deno.Command("chromium", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
      signal: AbortSignal.timeout(30_000),
    }).output();
    if (!out.success) return "chromium --version failed";
  } catch {
    return "chromium is not installed (apt-get install chromium)";
  }
  // The tests may not read node_modules/mermaid, but cat may.
  const mermaid = await new Deno.Command("cat", {
    args: [filePath(new URL("node_modules/mermaid/package.json", root))],
    stdout: "null",
    stderr: "null",
  }).output();
  if (!mermaid.success) return "npm mermaid is not installed (npm ci)";
  return undefined;
}
const missing = await browserMissing();
if (missing) console.error(`Mermaid rendering check skipped: ${missing}`);

/** The Mermaid blocks of a Markdown text. */
function mermaidBlocks(md: string): string[] {
  return [...md.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1]);
}

interface Rendered {
  ok: boolean;
  error?: string;
  /** Notes whose text is wider than their box: [text width, box width]. */
  overflowing?: [number, number][];
  /** How many message arrows the SVG has. */
  messages?: number;
}

/** A page that renders each block and writes the outcome as JSON. */
function page(blocks: string[]): string {
  const data = JSON.stringify(blocks).replaceAll("<", "\\u003c");
  return `<!doctype html>
<html><head><meta charset="utf-8"></head><body>
<pre id="result">pending</pre>
<script src="${MERMAID.href}"></script>
<script>
(async () => {
  const out = [];
  if (typeof mermaid === "undefined") {
    document.getElementById("result").textContent = JSON.stringify({ load: "mermaid did not load" });
    return;
  }
  mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });
  for (const [i, text] of ${data}.entries()) {
    try {
      const { svg } = await mermaid.render("m" + i, text);
      const div = document.createElement("div");
      div.innerHTML = svg;
      document.body.appendChild(div);
      const overflowing = [];
      for (const rect of div.querySelectorAll("rect.note")) {
        const box = rect.getBBox().width;
        for (const t of rect.parentNode.querySelectorAll("text.noteText")) {
          const w = t.getBBox().width;
          if (w > box) overflowing.push([w, box]);
        }
      }
      const messages = div.querySelectorAll("text.messageText").length;
      out.push({ ok: true, overflowing, messages });
    } catch (e) {
      out.push({ ok: false, error: String((e && e.message) || e) });
    }
  }
  document.getElementById("result").textContent = JSON.stringify(out);
})();
</script></body></html>`;
}

/** Renders the blocks in headless Chromium; one result per block. */
async function render(blocks: string[]): Promise<Rendered[]> {
  await Deno.mkdir(SCRATCH, { recursive: true });
  try {
    return await renderIn(blocks);
  } finally {
    // The page and Chromium's profile are scratch: nothing stays behind.
    await Deno.remove(SCRATCH, { recursive: true }).catch(() => {});
  }
}

async function renderIn(blocks: string[]): Promise<Rendered[]> {
  const html = new URL("blocks.html", SCRATCH);
  await Deno.writeTextFile(html, page(blocks));
  const out = await new Deno.Command("chromium", {
    args: [
      "--headless",
      "--no-sandbox", // the tests run as root in CI
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-default-apps",
      "--host-resolver-rules=MAP * ~NOTFOUND",
      "--proxy-server=http://127.0.0.1:9",
      `--user-data-dir=${filePath(new URL("profile", SCRATCH))}`,
      "--allow-file-access-from-files",
      "--virtual-time-budget=60000",
      "--dump-dom",
      html.href,
    ],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(180_000),
  }).output();
  const dom = new TextDecoder().decode(out.stdout);
  const json = /<pre id="result">([^<]*)<\/pre>/.exec(dom)?.[1] ?? "";
  assert(
    json && json !== "pending",
    `no result from chromium (status ${out.code}): ${
      new TextDecoder().decode(out.stderr).slice(-2000)
    }`,
  );
  const parsed = JSON.parse(
    json.replaceAll("&quot;", '"').replaceAll("&lt;", "<").replaceAll(
      "&gt;",
      ">",
    ).replaceAll("&amp;", "&"),
  );
  assert(Array.isArray(parsed), `mermaid: ${JSON.stringify(parsed)}`);
  return parsed;
}

Deno.test({
  name:
    "every Mermaid block of the Markdown reports renders in Chromium with Mermaid 11, no note wider than its box",
  ignore: missing !== undefined,
  async fn() {
    const blocks: string[] = [];
    for (
      const name of [
        "evidence-v2.json",
        "linux-x86_64-v2.json",
        "linux-x86_64.json",
        "linux-aarch64.json",
      ]
    ) {
      const report = parseKitReport(
        await Deno.readTextFile(new URL(`fixtures/reports/${name}`, root)),
      );
      blocks.push(...mermaidBlocks(renderMarkdown(report, { evidence: true })));
    }
    assert(blocks.length >= 5, `only ${blocks.length} diagrams`);
    // The controls, so the check can fail: a block Mermaid must reject,
    // and the note the old report wrote, which overflowed its box.
    const results = await render([
      ...blocks,
      "sequenceDiagram\n  C->>: nothing",
      "sequenceDiagram\n  participant C as client\n  participant S as server\n" +
      "  C->>S: S len=0 +0.000 ms\n" +
      "  Note over C,S: expected c:S, s:S., c:., c:F., s:., s:P.(3), c:R",
    ]);
    assertEquals(results.length, blocks.length + 2);
    const [broken, overflowing] = results.splice(blocks.length, 2);
    assertEquals(broken.ok, false, "a broken diagram rendered");
    assert(overflowing.ok, overflowing.error);
    assert(
      (overflowing.overflowing ?? []).length > 0,
      "the old note did not overflow: the width check measures nothing",
    );
    results.forEach((r, i) => {
      assert(r.ok, `diagram ${i + 1} failed: ${r.error}\n${blocks[i]}`);
      assertEquals(r.overflowing, [], `diagram ${i + 1}:\n${blocks[i]}`);
      const arrows = blocks[i].split("\n").filter((l) => /->>/.test(l)).length;
      assertEquals(r.messages, arrows, `diagram ${i + 1} lost arrows`);
    });
  },
});
