/**
 * Steps every POSIX system must agree on, from POSIX itself and RFC 9293:
 * the base of the macOS and FreeBSD tables. Only what those texts state is
 * here; what BSD stacks may do differently (poll bits, the errno of a write
 * after an RST) is left unjudged until a recorded run and a source say it.
 *
 * @module
 */

import type { PlatformTable } from "./types.ts";

const POSIX_WRITE =
  "POSIX write(): EPIPE (and SIGPIPE) when writing to a pipe with no reader or a socket shut down / no longer connected";
const POSIX_RECV =
  "POSIX recv(): returns 0 when the peer has performed an orderly shutdown";
const RFC_STATES = "RFC 9293 §3.3.2 state diagram";
const RUST_ERRORS =
  "Rust io::ErrorKind from errno: EPIPE -> BrokenPipe (deno_error maps it to class BrokenPipe)";

const same = (expect: string, source: string) => ({ expect, source });

/** POSIX: case id → layer → step → expectation. */
export const posix: PlatformTable = {
  "pipe-write-after-reader-close": {
    syscall: {
      "write() while the reader is open": same("3", "POSIX write()"),
      "reader close()": same("0", "POSIX close()"),
      "write() #1 after reader close()": same("-1 EPIPE", POSIX_WRITE),
      "write() #1 after reader close(), SIGPIPE default": same(
        "killed by SIGPIPE",
        POSIX_WRITE,
      ),
    },
    deno: {
      "stdin write() while the child runs": same(
        "resolved",
        "WritableStream write to a live pipe",
      ),
      "child exit": same("exited 0", "the helper's exit command"),
      "stdin write() after the child exited": same(
        "BrokenPipe EPIPE",
        `${POSIX_WRITE}; ${RUST_ERRORS}`,
      ),
    },
  },
  "unix-write-after-peer-close": {
    syscall: {
      "write() while the peer is open": same("3", "POSIX write()"),
      "peer read()": same('3 "abc"', "POSIX read() on a stream socket"),
      "peer close()": same("0", "POSIX close()"),
      "read()": same("0", POSIX_RECV),
      "write() #1 after peer close()": same("-1 EPIPE", POSIX_WRITE),
      "write() #1 after peer close(), SIGPIPE default": same(
        "killed by SIGPIPE",
        POSIX_WRITE,
      ),
    },
    deno: {
      "read()": same("null", POSIX_RECV),
      "write() #1 after peer close()": same(
        "BrokenPipe EPIPE",
        `${POSIX_WRITE}; ${RUST_ERRORS}`,
      ),
    },
  },
  "tcp-write-after-peer-close": {
    syscall: {
      "client close()": same("0", "POSIX close()"),
      "server read()": same("0", POSIX_RECV),
      "server state": same("CLOSE_WAIT", RFC_STATES),
      "client state": same("FIN_WAIT2", RFC_STATES),
      "server write() #1": same(
        "3",
        "RFC 9293 §3.10.2: SEND in CLOSE-WAIT is allowed",
      ),
    },
    deno: {
      "server read()": same("null", POSIX_RECV),
      "server state": same("CLOSE_WAIT", RFC_STATES),
      "client state": same("FIN_WAIT2", RFC_STATES),
      "server write() #1": same(
        "3",
        "RFC 9293 §3.10.2: SEND in CLOSE-WAIT is allowed",
      ),
    },
  },
  "tcp-half-close-peer-still-receives": {
    syscall: {
      "client shutdown(SHUT_WR)": same("0", "POSIX shutdown()"),
      "server read()": same("0", POSIX_RECV),
      "server state": same("CLOSE_WAIT", RFC_STATES),
      "client state": same("FIN_WAIT2", RFC_STATES),
      "server write()": same("5", "RFC 9293 §3.10.2: SEND in CLOSE-WAIT"),
      "client read()": same(
        '5 "hello"',
        "RFC 9293 §3.10.7.4: FIN-WAIT-2 processes incoming text",
      ),
      "client state after both FINs": same("TIME_WAIT", RFC_STATES),
    },
    deno: {
      "server read()": same("null", POSIX_RECV),
      "server write()": same("5", "RFC 9293 §3.10.2: SEND in CLOSE-WAIT"),
      "client read()": same(
        '5 "hello"',
        "RFC 9293 §3.10.7.4: FIN-WAIT-2 processes incoming text",
      ),
      "client state after both FINs": same("TIME_WAIT", RFC_STATES),
    },
  },
  "tcp-connect-refused": {
    syscall: {
      "blocking connect()": same(
        "-1 ECONNREFUSED",
        "POSIX connect(): [ECONNREFUSED] the target address was not listening for connections or refused the connection request",
      ),
    },
    deno: {
      "Deno.connect()": same(
        "ConnectionRefused ECONNREFUSED",
        "POSIX connect() ECONNREFUSED; Rust io::ErrorKind::ConnectionRefused (deno_error maps it to class ConnectionRefused)",
      ),
    },
  },
  "tcp-write-after-own-shutdown": {
    syscall: {
      "shutdown(SHUT_WR)": same("0", "POSIX shutdown()"),
      "write() after own shutdown": same("-1 EPIPE", POSIX_WRITE),
      "peer read()": same("0", POSIX_RECV),
      "write() after own shutdown, SIGPIPE default": same(
        "killed by SIGPIPE",
        POSIX_WRITE,
      ),
    },
    deno: {
      "write() after own closeWrite()": same(
        "BrokenPipe EPIPE",
        `${POSIX_WRITE}; ${RUST_ERRORS}`,
      ),
      "peer read()": same("null", POSIX_RECV),
    },
  },
};
