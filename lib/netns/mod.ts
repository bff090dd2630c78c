/**
 * Network namespaces of the kit's own: the C helper runs inside a fresh
 * namespace whose loopback drops chosen segments (nftables), so a peer can
 * vanish without FIN or RST while every packet stays on that namespace's
 * 127.0.0.1. The namespace and its rules end with the helper process.
 *
 * @example Rules that silence everything sent to one port after the handshake
 * ```ts
 * import { assertStringIncludes } from "@std/assert";
 * import { dropWithoutSyn, NETNS_PREFIX } from "./mod.ts";
 * assertStringIncludes(dropWithoutSyn(40001), "tcp flags & syn == 0 drop");
 * assertStringIncludes(NETNS_PREFIX.join(" "), "unshare --net");
 * ```
 *
 * @module
 */

export * from "./netns.ts";
