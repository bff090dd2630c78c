import { assertEquals, assertThrows } from "@std/assert";
import {
  brief,
  diedAnswer,
  elapsedUs,
  parseAnswer,
  ProtocolError,
} from "./protocol.ts";

Deno.test("parseAnswer() lifts ret, errno and timestamps, keeps other fields", () => {
  const a = parseAnswer(
    "connect 127.0.0.1 80",
    "ok ret=4 t0=100 t1=250 fd=4 local=127.0.0.1:5000 peer=127.0.0.1:80",
  );
  assertEquals(a.kind, "ok");
  assertEquals(a.ret, 4);
  assertEquals([a.t0, a.t1], [100n, 250n]);
  assertEquals(a.fields, {
    fd: "4",
    local: "127.0.0.1:5000",
    peer: "127.0.0.1:80",
  });
});

Deno.test("parseAnswer() reads a failure with its errno name", () => {
  const a = parseAnswer("write 5 x", "fail ret=-1 errno=ECONNRESET t0=1 t1=2");
  assertEquals([a.kind, a.ret, a.errno], ["fail", -1, "ECONNRESET"]);
  assertEquals(brief(a), "-1 ECONNRESET");
});

Deno.test("parseAnswer() reads a bad-command answer", () => {
  const a = parseAnswer("frob", "bad reason=unknown-command cmd=frob");
  assertEquals(brief(a), "bad command (unknown-command)");
});

Deno.test("parseAnswer() rejects lines outside the protocol", () => {
  assertThrows(() => parseAnswer("x", "hello world"), ProtocolError);
  assertThrows(() => parseAnswer("x", "ok ret=1 garbage"), ProtocolError);
  assertThrows(
    () => parseAnswer("x", "fail ret=-1 t0=1 t1=2"),
    ProtocolError,
    "errno",
  );
  assertThrows(() => parseAnswer("x", "ok ret=abc"), ProtocolError, "integer");
});

Deno.test("brief() describes a death by signal and by exit code", () => {
  assertEquals(
    brief(diedAnswer("write 5 x", { code: 141, signal: "SIGPIPE" })),
    "killed by SIGPIPE",
  );
  assertEquals(
    brief(diedAnswer("exit 3", { code: 3, signal: null })),
    "exited 3",
  );
});

Deno.test("elapsedUs() converts a nanosecond interval", () => {
  assertEquals(elapsedUs(1_000n, 3_500n), 2.5);
});
