"use client";
import { shallow } from "zustand/vanilla/shallow";

import type { HealthState, ProtocolHealth, ProtocolName, WakuPeersState } from "../core/index.js";
import { useWakuPeersContext, type WakuPeersHookParameters } from "../provider/context.js";
import { useStoreSelector } from "./use-store-selector.js";

export type UsePeerHealthParameters = WakuPeersHookParameters;

const selectHealth = (state: WakuPeersState): HealthState => state.health;

// Compared by value so a manager that rebuilds unchanged health objects causes no re-render.
function healthEqual(a: HealthState, b: HealthState): boolean {
  return (
    a.overall === b.overall &&
    shallow(a.lightPush, b.lightPush) &&
    shallow(a.filter, b.filter) &&
    shallow(a.store, b.store) &&
    shallow(a.peerExchange, b.peerExchange)
  );
}

const protocolSelectors: { readonly [P in ProtocolName]: (state: WakuPeersState) => ProtocolHealth } = {
  lightPush: (state) => state.health.lightPush,
  filter: (state) => state.health.filter,
  store: (state) => state.health.store,
  peerExchange: (state) => state.health.peerExchange,
};

/**
 * Connected peers per protocol against the requirements, and the overall traffic light
 * (`healthy` / `degraded` / `unhealthy`). Given a protocol, only that protocol's
 * `{ connected, required, ok }`, re-rendering only when it changes.
 *
 * @throws {WakuPeersError} `NO_PROVIDER` outside `<WakuPeersProvider>` without `parameters.manager`.
 *
 * @example
 * const health = usePeerHealth();
 * const filter = usePeerHealth("filter");
 * return <p className={health.overall}>Filter peers: {filter.connected}/{filter.required}</p>;
 */
export function usePeerHealth(protocol?: undefined, parameters?: UsePeerHealthParameters): HealthState;
export function usePeerHealth(protocol: ProtocolName, parameters?: UsePeerHealthParameters): ProtocolHealth;
export function usePeerHealth(
  protocol?: ProtocolName,
  parameters?: UsePeerHealthParameters,
): HealthState | ProtocolHealth {
  const { store } = useWakuPeersContext("usePeerHealth", parameters);
  const selector: (state: WakuPeersState) => HealthState | ProtocolHealth =
    protocol === undefined ? selectHealth : protocolSelectors[protocol];
  return useStoreSelector(store, selector, healthSliceEqual);
}

function healthSliceEqual(a: HealthState | ProtocolHealth, b: HealthState | ProtocolHealth): boolean {
  return "overall" in a && "overall" in b ? healthEqual(a, b) : shallow(a, b);
}
