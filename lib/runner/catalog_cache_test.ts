import { assertEquals, assertNotEquals } from "@std/assert";
import { cachedCatalog, catalogKey } from "./catalog_cache.ts";
import type { Catalog } from "./runner.ts";

const root = "reports/.selftest/catalog-cache";

async function scratch(): Promise<
  { cases: string; lib: string; cache: string }
> {
  const dir = `${root}/${crypto.randomUUID().slice(0, 8)}`;
  await Deno.mkdir(`${dir}/cases`, { recursive: true });
  await Deno.mkdir(`${dir}/lib`, { recursive: true });
  await Deno.writeTextFile(`${dir}/cases/a_test.ts`, "// a\n");
  await Deno.writeTextFile(`${dir}/lib/x.ts`, "// x\n");
  return {
    cases: `${dir}/cases`,
    lib: `${dir}/lib`,
    cache: `${dir}/catalog.json`,
  };
}

const catalog: Catalog = {
  entries: [{
    id: "a",
    layer: "deno",
    summary: "s",
    needs: [],
    file: "cases/a_test.ts",
  }],
  problems: [],
};

Deno.test("catalogKey() changes when a case file or a library file changes", async () => {
  const d = await scratch();
  const before = await catalogKey(d.cases, [d.lib]);
  assertEquals(await catalogKey(d.cases, [d.lib]), before);
  await Deno.writeTextFile(`${d.cases}/a_test.ts`, "// a, edited\n");
  const afterCase = await catalogKey(d.cases, [d.lib]);
  assertNotEquals(afterCase, before);
  await Deno.writeTextFile(`${d.lib}/x.ts`, "// x, edited\n");
  assertNotEquals(await catalogKey(d.cases, [d.lib]), afterCase);
  await Deno.remove(d.cases.replace(/\/cases$/, ""), { recursive: true });
});

Deno.test("cachedCatalog() lists once, then answers from the cache until a source changes", async () => {
  const d = await scratch();
  let listed = 0;
  const load = () => {
    listed++;
    return Promise.resolve(catalog);
  };
  assertEquals(await cachedCatalog(d.cases, load, d.cache, [d.lib]), catalog);
  assertEquals(await cachedCatalog(d.cases, load, d.cache, [d.lib]), catalog);
  assertEquals(listed, 1);
  await Deno.writeTextFile(`${d.cases}/b_test.ts`, "// a new case\n");
  await cachedCatalog(d.cases, load, d.cache, [d.lib]);
  assertEquals(listed, 2);
  await Deno.remove(d.cases.replace(/\/cases$/, ""), { recursive: true });
});

Deno.test("cachedCatalog() never caches a catalog with a file that failed to load", async () => {
  const d = await scratch();
  let listed = 0;
  const broken: Catalog = {
    entries: [],
    problems: [{ file: "cases/a_test.ts", reason: "failed to load" }],
  };
  const load = () => {
    listed++;
    return Promise.resolve(broken);
  };
  await cachedCatalog(d.cases, load, d.cache, [d.lib]);
  await cachedCatalog(d.cases, load, d.cache, [d.lib]);
  assertEquals(listed, 2);
  await Deno.remove(d.cases.replace(/\/cases$/, ""), { recursive: true });
});
