import type { PeerInfo } from "../core/types.js";

/**
 * Store peers to ask for a gap, best first. A restarted node's store begins at its restart, so
 * the best witness is a peer whose connection survived the gap (connected before it began and
 * still connected); after those, the peers connected longest. The SDK's default — the first peer
 * it shares with filter — is often a node that just came back: after a full outage it returned 1
 * of 333 lost messages. Score breaks ties.
 *
 * @example
 * const [best, next] = rankStorePeers(manager.store.getState().peers, gapStartedAt);
 */
export function rankStorePeers(peers: Readonly<Record<string, PeerInfo>>, gapStartedAt: number): string[] {
  const candidates = Object.values(peers).filter((peer) => peer.connected && peer.protocols.includes("store"));
  const since = (peer: PeerInfo): number => peer.connectedSince ?? Number.POSITIVE_INFINITY;
  const throughGap = (peer: PeerInfo): boolean => since(peer) <= gapStartedAt;
  candidates.sort(
    (a, b) =>
      Number(throughGap(b)) - Number(throughGap(a)) || since(a) - since(b) || b.score - a.score || a.id.localeCompare(b.id),
  );
  return candidates.map((peer) => peer.id);
}

/** Whether a peer's connection has lasted since before `at` (so its answers cover that moment). */
export function connectedThrough(peer: PeerInfo | undefined, at: number): boolean {
  return peer?.connected === true && peer.connectedSince !== undefined && peer.connectedSince <= at;
}
