"use client";
import { watchPeers } from "../core/index.js";
import type { PeerInfo } from "../core/index.js";
import { selectPeers } from "../core/actions/get-peers.js";
import { useWakuPeersContext, type WakuPeersHookParameters } from "../provider/context.js";
import { useActionValue } from "./use-action-value.js";

export type UsePeersParameters = WakuPeersHookParameters;

/**
 * Every peer the manager knows: connected peers and recently seen service peers, with their
 * protocols, tags, address, round trip and score (`watchPeers` / `getPeers` of the core). The
 * array keeps its identity while no peer entry changed, so it can be a dependency of `useMemo`;
 * round trips change only by max(10 ms, 25 %), so ping jitter re-renders nothing.
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
  return useActionValue(store, selectPeers, watchPeers);
}
