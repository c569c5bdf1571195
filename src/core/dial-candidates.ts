import { hasTag, protocolMaskFromCodecs, tagMaskFromPeerTags } from "./codecs.js";
import { INITIAL_SCORE } from "./constants.js";
import type { Libp2pLike, PeerIdLike } from "./node-boundary.js";

export interface DialCandidate {
  id: string;
  peerId: PeerIdLike;
  connected: boolean;
  bootstrap: boolean;
  score: number;
}

/**
 * Peers worth re-dialing: every peer store entry that offers a Waku service, plus bootstrap peers
 * (they may not have identified yet, and they are the way back in). Never ourselves.
 */
export async function findDialCandidates(
  libp2p: Libp2pLike,
  scoreOf: (id: string) => number | undefined,
): Promise<DialCandidate[]> {
  const self = libp2p.peerId.toString();
  const candidates: DialCandidate[] = [];
  for (const peer of await libp2p.peerStore.all()) {
    const id = peer.id.toString();
    if (id === self) continue;
    const bootstrap = hasTag(tagMaskFromPeerTags(peer.tags), "bootstrap");
    if (protocolMaskFromCodecs(peer.protocols) === 0 && !bootstrap) continue;
    candidates.push({
      id,
      peerId: peer.id,
      connected: libp2p.getConnections(peer.id).some((connection) => connection.status === "open"),
      bootstrap,
      score: scoreOf(id) ?? INITIAL_SCORE,
    });
  }
  return candidates;
}

/**
 * Dial order: peers we are not connected to first (dialing a connected peer only returns its
 * connection), then the better scored. Stable otherwise. Peer policy (fewer bootstrap peers,
 * shuffling) replaces this function.
 */
export function orderDialCandidates(candidates: readonly DialCandidate[]): DialCandidate[] {
  return [...candidates].sort(
    (a, b) => Number(a.connected) - Number(b.connected) || b.score - a.score,
  );
}
