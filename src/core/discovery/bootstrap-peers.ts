import type { MultiaddrLike } from "../sdk/node-boundary.js";
import { peerIdOfAddress } from "../sdk/multiaddr.js";

/**
 * Bootstrap entries read: more than this are for the SDK to deal with (it keeps 3 by default);
 * parsing 10,000 multiaddrs on our side blocked a page for over a second.
 */
export const MAX_BOOTSTRAP_PEERS = 32;
const MAX_ADDRESS_CHARS = 1_000;

export interface BootstrapPeers {
  peers: { id: string; address: MultiaddrLike }[];
  /** Why entries were not used, for `lastError`: empty when every entry was. */
  ignored: string[];
}

/**
 * The configured bootstrap list as dialable addresses. Entries that cannot be dialed (no
 * `/p2p/<id>`, not a multiaddr, absurdly long) and entries beyond {@link MAX_BOOTSTRAP_PEERS} are
 * not used, and said so, instead of vanishing.
 */
export function readBootstrapPeers(list: readonly string[], parseMultiaddr: (address: string) => MultiaddrLike): BootstrapPeers {
  const peers: BootstrapPeers["peers"] = [];
  const ignored: string[] = [];
  for (const address of list.slice(0, MAX_BOOTSTRAP_PEERS)) {
    const id = address.length <= MAX_ADDRESS_CHARS ? peerIdOfAddress(address) : undefined;
    try {
      if (id === undefined) throw new Error("it does not end in /p2p/<peer id>");
      peers.push({ id, address: parseMultiaddr(address) });
    } catch (error) {
      ignored.push(`${JSON.stringify(address.slice(0, 80))}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (list.length > MAX_BOOTSTRAP_PEERS)
    ignored.push(`${list.length - MAX_BOOTSTRAP_PEERS} entries beyond the first ${MAX_BOOTSTRAP_PEERS}`);
  return { peers, ignored };
}
