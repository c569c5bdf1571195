import type { PeerInfo } from "../types.js";
import { selectPeers } from "./get-peers.js";
import type { StoreSource, Unwatch, WatchParameters } from "./types.js";

export type WatchPeersParameters = WatchParameters<readonly PeerInfo[]>;

/**
 * Calls `onChange` whenever a peer row changes (connected, protocols, round trip, score…).
 * Round trips change only by max(10 ms, 25 %), so ping jitter calls nothing.
 *
 * @example
 * const unwatch = watchPeers(manager, { onChange: (peers) => table.render(peers) });
 */
export function watchPeers(manager: StoreSource, parameters: WatchPeersParameters): Unwatch {
  return manager.store.subscribe(selectPeers, (value, previous) => parameters.onChange(value, previous));
}
