import type { PeerInfo, WakuPeersState } from "../types.js";
import type { StoreSource } from "./types.js";

// The list of a peers object, built once per object: the manager keeps `peers` while no row
// changed, so the list keeps its identity too (safe as a `useMemo` dependency).
const lists = new WeakMap<WakuPeersState["peers"], readonly PeerInfo[]>();

/**
 * The peer list of a state (what `getPeers` reads).
 *
 * @example
 * selectPeers(state).filter((peer) => peer.connected);
 */
export function selectPeers(state: WakuPeersState): readonly PeerInfo[] {
  let list = lists.get(state.peers);
  if (list === undefined) {
    list = Object.freeze(Object.values(state.peers));
    lists.set(state.peers, list);
  }
  return list;
}

/**
 * Every peer the manager knows: connected peers and recently seen service peers, with their
 * protocols, tags, address, round trip and score. The same array while no row changed.
 *
 * @example
 * const connected = getPeers(manager).filter((peer) => peer.connected);
 */
export function getPeers(manager: StoreSource): readonly PeerInfo[] {
  return selectPeers(manager.store.getState());
}
