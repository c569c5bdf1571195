import { multiaddr } from "@multiformats/multiaddr";

import type { MultiaddrLike } from "../sdk/node-boundary.js";

/**
 * Parses a multiaddr string (throws when invalid). The one place the core imports from the
 * libp2p ecosystem at run time: `libp2p.dial` needs a real `Multiaddr` for a peer known only by
 * address (the peer cache, configured bootstrap peers). `@multiformats/multiaddr` is already in
 * every app that uses `@waku/sdk`.
 */
export function parseMultiaddr(address: string): MultiaddrLike {
  return multiaddr(address);
}

/** The peer id a multiaddr names (`…/p2p/<id>`), or `undefined`. */
export function peerIdOfAddress(address: string): string | undefined {
  const index = address.lastIndexOf("/p2p/");
  if (index < 0) return undefined;
  const id = address.slice(index + "/p2p/".length);
  return id.length > 0 && !id.includes("/") ? id : undefined;
}
