import { assertEquals } from "@std/assert";
import {
  describeExpected,
  expectationFor,
  EXPECTATIONS,
  LAYERS,
  matches,
  type PlatformTable,
  withCaseExpectations,
} from "./mod.ts";
import type { Platform } from "../platform/platform.ts";

const on = (os: Platform["os"], kernel: string): Platform => ({
  os,
  kernel,
  arch: "x86_64",
  deno: "2.9.6",
  v8: "",
});

const table: PlatformTable = {
  "some-case": {
    syscall: {
      "write()": [
        {
          expect: "-1 ECONNRESET",
          source: "old kernels",
          kernel: { below: "4.0" },
        },
        { expect: "-1 EPIPE", source: "newer kernels", kernel: { min: "4.0" } },
      ],
      "state": { expect: ["FIN_WAIT1", "FIN_WAIT2"], source: "either" },
    },
  },
};

Deno.test("expectationFor() picks the entry whose kernel range holds the release", () => {
  const lookup = (kernel: string) =>
    expectationFor(on("linux", kernel), "some-case", "syscall", "write()", {
      linux: table,
    })?.expect;
  assertEquals(lookup("3.16.0-4-amd64"), "-1 ECONNRESET");
  assertEquals(lookup("4.0"), "-1 EPIPE");
  assertEquals(lookup("6.12.117+deb12-amd64"), "-1 EPIPE");
});

Deno.test("expectationFor() is undefined for an unrecorded platform, case or step", () => {
  const tables = { linux: table };
  assertEquals(
    expectationFor(
      on("darwin", "23.4.0"),
      "some-case",
      "syscall",
      "write()",
      tables,
    ),
    undefined,
  );
  assertEquals(
    expectationFor(
      on("linux", "6.1"),
      "other-case",
      "syscall",
      "write()",
      tables,
    ),
    undefined,
  );
  assertEquals(
    expectationFor(on("linux", "6.1"), "some-case", "deno", "write()", tables),
    undefined,
  );
  assertEquals(
    expectationFor(
      on("linux", "6.1"),
      "some-case",
      "syscall",
      "read()",
      tables,
    ),
    undefined,
  );
});

Deno.test("matches() accepts any of a list of expected values", () => {
  const e = table["some-case"].syscall!["state"];
  if (Array.isArray(e)) throw new Error("fixture changed");
  assertEquals(
    ["FIN_WAIT1", "FIN_WAIT2", "CLOSE"].map((s) => matches(e as never, s)),
    [true, true, false],
  );
  assertEquals(describeExpected(e as never), "FIN_WAIT1 or FIN_WAIT2");
});

Deno.test("EXPECTATIONS cites a source for every step and uses known layers only", () => {
  for (const [os, platform] of Object.entries(EXPECTATIONS)) {
    for (const [id, layers] of Object.entries(platform)) {
      assertEquals(/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id), true, `case id ${id}`);
      for (const [layer, steps] of Object.entries(layers)) {
        assertEquals(
          LAYERS.includes(layer as never),
          true,
          `${os} ${id} layer ${layer}`,
        );
        for (const [step, entry] of Object.entries(steps ?? {})) {
          for (const e of Array.isArray(entry) ? entry : [entry]) {
            assertEquals(
              e.source.length > 0,
              true,
              `${os} ${id} ${layer} "${step}" has no source`,
            );
          }
        }
      }
    }
  }
});

Deno.test("withCaseExpectations() lays a case's own steps over the built-in ones of a kit case", () => {
  const linux = on("linux", "6.12.0");
  const tables = withCaseExpectations("tcp-write-after-peer-close", "syscall", {
    linux: {
      "server write() #2": {
        expect: "-1 ECONNRESET",
        source: "a user's claim",
      },
    },
  });
  const lookup = (step: string, t = tables) =>
    expectationFor(linux, "tcp-write-after-peer-close", "syscall", step, t)
      ?.expect;
  assertEquals(lookup("server write() #2"), "-1 ECONNRESET");
  // The kit's other steps stay, and the built-in tables are untouched.
  assertEquals(lookup("server read()"), "0");
  assertEquals(lookup("server write() #2", EXPECTATIONS), "-1 EPIPE");
});

Deno.test("withCaseExpectations() judges a case the tables do not know, on the platforms it names only", () => {
  const tables = withCaseExpectations("user-case", "deno", {
    linux: { "read()": { expect: "null", source: "recv(2)" } },
  });
  assertEquals(
    expectationFor(on("linux", "6.1"), "user-case", "deno", "read()", tables)
      ?.expect,
    "null",
  );
  assertEquals(
    expectationFor(
      on("darwin", "23.4.0"),
      "user-case",
      "deno",
      "read()",
      tables,
    ),
    undefined,
  );
});
