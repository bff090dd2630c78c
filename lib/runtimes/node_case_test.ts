import { assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { ExpectationFailure, Scenario } from "../case/scenario.ts";
import type { ExpectationTables, Layer } from "../expectations/types.ts";
import { withNodeLayers } from "../expectations/node.ts";
import type { NodeDriver } from "./driver.ts";
import { NodeRow } from "./node_case.ts";
import type { RuntimeName } from "./runtimes.ts";

const linux = {
  os: "linux",
  kernel: "6.1.0",
  arch: "x86_64",
  deno: "2.9.6",
  v8: "",
} as const;

/** Tables where case `id` expects "end" at step "events" (Node's behaviour). */
function tables(id: string): ExpectationTables {
  return {
    linux: withNodeLayers({}, {
      [id]: {
        events: { expect: "end", source: "test-net-allow-half-open.js" },
      },
    }),
  };
}

/** A row of `runtime` judging case `id` (no driver needed to judge). */
function row(id: string, runtime: RuntimeName): NodeRow {
  const layer = `node@${runtime}` as Layer;
  const s = new Scenario(id, layer, linux, tables(id));
  return new NodeRow(s, {} as NodeDriver, runtime);
}

Deno.test("NodeRow.check() fails the Node.js row that differs from its expectation", () => {
  const n = row("a1", "nodejs");
  assertThrows(() => n.check("events", "end, close"), ExpectationFailure);
  assertEquals(n.s.steps[0].status, "failed");
});

Deno.test("NodeRow.check() marks compat-differs where Deno differs and Node.js matched", () => {
  row("a2", "nodejs").check("events", "end");
  const deno = row("a2", "deno");
  deno.check("events", "close");
  assertEquals(deno.s.steps[0].status, "compat-differs");
  assertStringIncludes(deno.s.steps[0].detail!, "node@nodejs observed: end");
});

Deno.test("NodeRow.check() fails Bun where Node.js differed from the expectation too", () => {
  assertThrows(() => row("a3", "nodejs").check("events", "close"));
  const e = assertThrows(
    () => row("a3", "bun").check("events", "close"),
    ExpectationFailure,
  );
  assertStringIncludes(e.message, "node@nodejs observed: close (failed)");
});

Deno.test("NodeRow.check() without a Node.js run compares with Node's recorded behaviour", () => {
  const deno = row("a4", "deno");
  deno.check("events", "close");
  assertEquals(deno.s.steps[0].status, "compat-differs");
  assertStringIncludes(deno.s.steps[0].detail!, "not run here");
});

Deno.test("NodeRow.check() passes a runtime that matches, and flags an unjudged difference", () => {
  row("a5", "nodejs").check("events", "end");
  row("a5", "nodejs").check("props", "readable");
  const bun = row("a5", "bun");
  bun.check("events", "end");
  bun.check("props", "destroyed");
  assertEquals(bun.s.steps.map((s) => s.status), ["passed", "compat-differs"]);
});
