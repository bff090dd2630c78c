/**
 * A helper pair opened under a capture: the one call a wire-layer case
 * makes to get both ends of a connection and its segments.
 *
 * Like {@linkcode Helper.pair} (listen on port 0, connect, accept, close
 * the listener), but the capture starts between listen() and connect(),
 * filtered to the port the kernel picked, so the handshake is captured.
 *
 * @module
 */

import type { Endpoint } from "../address/mod.ts";
import type { Helper, HelperPair } from "../helper/helper.ts";
import { Capture, type CaptureResult } from "./capture.ts";

/** A helper pair whose connection is being captured. */
export interface WirePair extends HelperPair, AsyncDisposable {
  /** The running capture; {@linkcode Capture.stop} returns the segments. */
  capture: Capture;
  /** Same as `capture.stop()`. */
  stop(): Promise<CaptureResult>;
}

/**
 * Listens on `address` in helper `h`, starts a capture on that port with
 * `startCapture` (default {@linkcode Capture.start}), then connects and
 * accepts. Disposal stops and reaps the capture.
 *
 * @example
 * ```ts ignore
 * import { Helper } from "../helper/helper.ts";
 * import { wireHelperPair } from "./pair.ts";
 * await using h = await Helper.start();
 * await using wire = await wireHelperPair(h, "127.0.0.1");
 * await h.expectOk(`close ${wire.client.fd}`);
 * const { segments } = await wire.stop();
 * ```
 */
export async function wireHelperPair(
  h: Helper,
  address = "127.0.0.1",
  startCapture: (listening: Endpoint) => Promise<Capture> = (l) =>
    Capture.start(l),
): Promise<WirePair> {
  let capture: Capture | undefined;
  try {
    const pair = await h.pair(address, async (listening) => {
      capture = await startCapture(listening);
    });
    const started = capture!;
    return {
      ...pair,
      capture: started,
      stop: () => started.stop(),
      [Symbol.asyncDispose]: () => started[Symbol.asyncDispose](),
    };
  } catch (e) {
    await capture?.[Symbol.asyncDispose]();
    throw e;
  }
}
