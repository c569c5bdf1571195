"use client";
import { shallow } from "zustand/vanilla/shallow";

import type { PeerInfo, WakuPeersState } from "../core/index.js";
import { useWakuPeersContext, type WakuPeersHookParameters } from "../provider/context.js";
import { useStoreSelector } from "./use-store-selector.js";

export type UsePeersParameters = WakuPeersHookParameters;

const selectPeers = (state: WakuPeersState): readonly PeerInfo[] => Object.values(state.peers);

/**
 * Every peer the manager knows: connected peers and recently seen service peers, with their
 * protocols, tags, address, round trip and score. The array keeps its identity while no peer
 * entry changed, so it can be a dependency of `useMemo`.
 *
 * @throws {WakuPeersError} `NO_PROVIDER` outside `<WakuPeersProvider>` without `parameters.manager`.
 *
 * @example
 * const peers = usePeers();
 * return (
 *   <ul>
 *     {peers.filter((peer) => peer.connected).map((peer) => (
 *       <li key={peer.id}>{peer.id.slice(-6)} {peer.protocols.join(", ")} {peer.rttMs ?? "?"} ms</li>
 *     ))}
 *   </ul>
 * );
 */
export function usePeers(parameters?: UsePeersParameters): readonly PeerInfo[] {
  const { store } = useWakuPeersContext("usePeers", parameters);
  return useStoreSelector(store, selectPeers, shallow);
}
