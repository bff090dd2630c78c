/**
 * The catalog (what the case files declare) costs a `deno test` process of
 * its own, about a second here; it only changes when the sources change.
 * This keeps it in `reports/.catalog.json`, keyed by a hash of every file
 * that can change it (the case files, `lib/`, `mod.ts`, `deno.json`) and the
 * Deno version, and lists again on any difference.
 *
 * @module
 */

import { sha256Hex } from "../platform/sha256.ts";
import type { Catalog } from "./runner.ts";

const CACHE_FILE = "reports/.catalog.json";
const SOURCES = ["lib", "mod.ts", "deno.json"];

async function filesUnder(path: string): Promise<string[]> {
  const info = await Deno.stat(path);
  if (info.isFile) return [path];
  const out: string[] = [];
  for await (const entry of Deno.readDir(path)) {
    const child = `${path}/${entry.name}`;
    if (entry.isDirectory) out.push(...await filesUnder(child));
    else if (
      entry.isFile && entry.name.endsWith(".ts") || entry.name.endsWith(".json")
    ) out.push(child);
  }
  return out;
}

/**
 * The cache key of a case directory: SHA-256 over the Deno version and the
 * path and content of every source the catalog depends on.
 */
export async function catalogKey(
  casesDir: string,
  sources: string[] = SOURCES,
): Promise<string> {
  const files = (await Promise.all([casesDir, ...sources].map(filesUnder)))
    .flat().sort();
  const parts = [Deno.version.deno];
  for (const f of files) parts.push(f, await Deno.readTextFile(f));
  return await sha256Hex(parts.join("\0"));
}

/**
 * Returns the cached catalog of `casesDir` if its key still matches, else
 * calls `load` and caches what it returns (unless a file failed to load:
 * such a catalog is always listed afresh). A cache that cannot be read or
 * written is ignored: the catalog is then simply listed.
 *
 * @example
 * ```ts ignore
 * import { cachedCatalog } from "./catalog_cache.ts";
 * import { loadCatalog } from "./runner.ts";
 * import { runDenoTest } from "./deno_test_process.ts";
 * const catalog = await cachedCatalog("cases", () => loadCatalog("cases", runDenoTest));
 * ```
 */
export async function cachedCatalog(
  casesDir: string,
  load: () => Promise<Catalog>,
  cacheFile: string = CACHE_FILE,
  sources: string[] = SOURCES,
): Promise<Catalog> {
  let key: string | undefined;
  try {
    key = await catalogKey(casesDir, sources);
    const cached = JSON.parse(await Deno.readTextFile(cacheFile));
    if (cached.key === key && cached.casesDir === casesDir) {
      return cached.catalog as Catalog;
    }
  } catch {
    // no cache, or an unreadable one: list below
  }
  const catalog = await load();
  if (key && catalog.problems.length === 0) {
    try {
      const tmp = `${cacheFile}.tmp-${Deno.pid}`;
      await Deno.writeTextFile(tmp, JSON.stringify({ key, casesDir, catalog }));
      await Deno.rename(tmp, cacheFile);
    } catch {
      // a read-only reports/: the next run lists again
    }
  }
  return catalog;
}
