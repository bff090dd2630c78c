import { assertEquals, assertThrows } from "@std/assert";
import { cacheDir, CacheDirError } from "./cache_dir.ts";

const from = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("cacheDir() prefers CLOSEWAIT_CACHE_DIR, then the platform's user cache folder", () => {
  const all = {
    CLOSEWAIT_CACHE_DIR: "/srv/cw",
    XDG_CACHE_HOME: "/x",
    HOME: "/home/ana",
    LOCALAPPDATA: "C:\\Users\\ana\\AppData\\Local",
  };
  assertEquals(cacheDir("linux", from(all)), "/srv/cw");
  const { CLOSEWAIT_CACHE_DIR: _, ...user } = all;
  assertEquals(cacheDir("linux", from(user)), "/x/closewait");
  assertEquals(
    cacheDir("freebsd", from({ HOME: "/home/ana" })),
    "/home/ana/.cache/closewait",
  );
  assertEquals(
    cacheDir("darwin", from(user)),
    "/home/ana/Library/Caches/closewait",
  );
});

Deno.test("cacheDir() says what to set when no folder can be named", () => {
  assertThrows(
    () => cacheDir("linux", from({})),
    CacheDirError,
    "set CLOSEWAIT_CACHE_DIR",
  );
});
