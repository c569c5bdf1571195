import { hasTag, protocolMaskFromCodecs, tagMaskFromPeerTags } from "./codecs.js";
import { INITIAL_SCORE } from "./constants.js";
import type { Libp2pLike, MultiaddrLike, PeerIdLike } from "./node-boundary.js";

export interface DialCandidate {
  id: string;
  /** What to hand to `libp2p.dial`: the peer id when the peer store knows the peer, else a multiaddr. */
  target: PeerIdLike | MultiaddrLike;
  connected: boolean;
  bootstrap: boolean;
  /** Remembered by the peer cache. */
  cached: boolean;
  score: number;
  /** Epoch ms of the last failed dial, when recent. */
  lastDialFailureAt: number | undefined;
}

/** What the manager knows about a peer beyond the peer store. */
export interface CandidateFacts {
  score(id: string): number | undefined;
  /** Bootstrap peers are remembered even after the peer store loses the tag. */
  isBootstrap(id: string): boolean;
  isCached(id: string): boolean;
  lastDialFailureAt(id: string): number | undefined;
}

/** A peer known only by address (peer cache, configured bootstrap list), not (yet) in the peer store. */
export interface AddressCandidate {
  id: string;
  address: MultiaddrLike;
}

/**
 * Peers worth dialing: every peer store entry that offers a Waku service, plus bootstrap and
 * cached peers (they may not have identified yet, and they are the way back in), plus peers known
 * only by address. Never ourselves.
 */
export async function findDialCandidates(
  libp2p: Libp2pLike,
  facts: CandidateFacts,
  addressed: readonly AddressCandidate[] = [],
): Promise<DialCandidate[]> {
  const self = libp2p.peerId.toString();
  const candidates: DialCandidate[] = [];
  const seen = new Set<string>([self]);
  const connectedIds = new Set(
    libp2p
      .getConnections()
      .filter((connection) => connection.status === "open")
      .map((connection) => connection.remotePeer.toString()),
  );
  for (const peer of await libp2p.peerStore.all()) {
    const id = peer.id.toString();
    if (seen.has(id)) continue;
    const bootstrap = hasTag(tagMaskFromPeerTags(peer.tags), "bootstrap") || facts.isBootstrap(id);
    const cached = facts.isCached(id);
    if (protocolMaskFromCodecs(peer.protocols) === 0 && !bootstrap && !cached) continue;
    // An entry without addresses cannot be dialed by id; an address candidate may still cover it.
    if (peer.addresses !== undefined && peer.addresses.length === 0) continue;
    seen.add(id);
    candidates.push(describe(connectedIds, facts, id, peer.id, bootstrap, cached));
  }
  for (const { id, address } of addressed) {
    if (seen.has(id)) continue;
    seen.add(id);
    candidates.push(describe(connectedIds, facts, id, address, facts.isBootstrap(id), facts.isCached(id)));
  }
  return candidates;
}

function describe(
  connectedIds: ReadonlySet<string>,
  facts: CandidateFacts,
  id: string,
  target: PeerIdLike | MultiaddrLike,
  bootstrap: boolean,
  cached: boolean,
): DialCandidate {
  return {
    id,
    target,
    connected: connectedIds.has(id),
    bootstrap,
    cached,
    score: facts.score(id) ?? INITIAL_SCORE,
    lastDialFailureAt: facts.lastDialFailureAt(id),
  };
}
