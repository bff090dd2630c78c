/**
 * A TCP segment as the wire layer records it: the shared vocabulary of the
 * capture, the expected wire sequences and the reports.
 *
 * @module
 */

/** One segment seen on loopback, from one end of a case's connection. */
export interface Segment {
  /** Milliseconds since the capture's first segment of this connection. */
  t: number;
  /** Which end sent it. */
  from: "client" | "server";
  /** tcpdump's flag notation: `S`, `S.`, `.`, `P.`, `F.`, `R`, `R.`, ... */
  flags: string;
  /** Sequence number, relative to the sender's ISN (tcpdump's default view). */
  seq: number;
  /** Acknowledgment number, relative, when the ACK flag is set. */
  ack?: number;
  /** Payload length in bytes. */
  len: number;
}

/** The wire evidence attached to a case result. */
export interface Trace {
  /** Every segment of the case's connection, in capture order. */
  segments: Segment[];
  /** The expected flag sequence, as written in the expectation data. */
  expected?: string[];
  /** The capture's interface and filter, for reproducing it. */
  capture?: string;
  /**
   * The captures the case checked after this one (the same story over
   * `::1`, say), in order: a packetdrill reproducer is made from each.
   */
  others?: Trace[];
}
