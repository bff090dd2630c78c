/**
 * Endpoints and connection tuples as the kit names them: parsed from the
 * helper's answers, compared in one canonical form with the kernel's state
 * tables.
 *
 * @module
 */

/** An endpoint address as the helper prints it: `127.0.0.1:80`, `[::1]:80`. */
export interface Endpoint {
  /** IP address without brackets. */
  address: string;
  /** Port number. */
  port: number;
}

/** One connection: the local and the remote end, seen from one socket. */
export interface Tuple {
  /** This socket's address. */
  local: Endpoint;
  /** The peer's address. */
  remote: Endpoint;
}

/** Parses `127.0.0.1:80` or `[::1]:80`. */
export function parseEndpoint(text: string): Endpoint {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(text);
  if (!m) throw new RangeError(`not an endpoint: ${JSON.stringify(text)}`);
  return { address: m[1], port: Number(m[2]) };
}

/**
 * Writes an address in one canonical form so tables and sockets compare:
 * IPv4 as dotted quad, IPv6 as eight full lowercase groups, IPv4-mapped IPv6
 * as its IPv4 address.
 */
export function canonicalAddress(address: string): string {
  const a = address.replace(/^\[|\]$/g, "").toLowerCase().replace(/%.*$/, "");
  if (!a.includes(":")) return a;
  const mapped = /^(?:0*:)*:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return mapped[1];
  const [head, tail] = a.includes("::") ? a.split("::") : [a, undefined];
  const left = head ? head.split(":") : [];
  const right = tail === undefined ? [] : tail ? tail.split(":") : [];
  const zeros = tail === undefined ? [] : Array(8 - left.length - right.length)
    .fill("0");
  return [...left, ...zeros, ...right].map((g) => g.padStart(4, "0")).join(
    ":",
  );
}

/** Whether two endpoints are the same address and port. */
export function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.port === b.port &&
    canonicalAddress(a.address) === canonicalAddress(b.address);
}
