import { assertEquals } from "@std/assert";
import {
  FETCH_TOOLS,
  missingToolsLine,
  RUN_TOOLS,
  unsupportedReason,
} from "./tools.ts";

Deno.test("missingToolsLine() names each package once, in one line", () => {
  const line = missingToolsLine(
    FETCH_TOOLS.filter((t) => t.aptPackage === "apt").concat(RUN_TOOLS),
  );
  assertEquals(
    line,
    "missing apt-get, apt-cache, qemu-system-x86_64, setpriv: apt-get install apt qemu-system-x86 util-linux (or ./scripts/setup.sh --matrix as root)",
  );
  assertEquals(line.includes("\n"), false);
});

Deno.test("unsupportedReason() accepts only Linux on x86-64", () => {
  assertEquals(unsupportedReason("linux", "x86_64"), undefined);
  assertEquals(
    unsupportedReason("linux", "aarch64")?.includes(
      "not supported here (linux aarch64)",
    ),
    true,
  );
  assertEquals(
    unsupportedReason("windows", "x86_64")?.includes("not supported here"),
    true,
  );
});
