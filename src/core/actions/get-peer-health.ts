import type { HealthState, ProtocolHealth, ProtocolName, WakuPeersState } from "../types.js";
import type { StoreSource } from "./types.js";

/**
 * The health slice of a state: all of it, or one protocol's (what `getPeerHealth` reads).
 *
 * @example
 * selectPeerHealth(state, "store"); // { connected, required, ok }
 */
export function selectPeerHealth(state: WakuPeersState, protocol?: ProtocolName): HealthState | ProtocolHealth {
  return protocol === undefined ? state.health : state.health[protocol];
}

/**
 * Connected peers per protocol against the requirements, and the overall traffic light; given a
 * protocol, only that protocol's `{ connected, required, ok }`. Unchanged slices keep their identity.
 *
 * @example
 * const { overall } = getPeerHealth(manager);
 * const filter = getPeerHealth(manager, "filter"); // { connected: 2, required: 2, ok: true }
 */
export function getPeerHealth(manager: StoreSource): HealthState;
export function getPeerHealth(manager: StoreSource, protocol: ProtocolName): ProtocolHealth;
export function getPeerHealth(manager: StoreSource, protocol?: ProtocolName): HealthState | ProtocolHealth {
  return selectPeerHealth(manager.store.getState(), protocol);
}
