"use client";
import { useCallback } from "react";

import { watchPeerHealth } from "../core/index.js";
import type { HealthState, ProtocolHealth, ProtocolName, StoreSource, WakuPeersState, WatchParameters } from "../core/index.js";
import { selectPeerHealth } from "../core/actions/get-peer-health.js";
import { useWakuPeersContext, type WakuPeersHookParameters } from "../provider/context.js";
import { useActionValue } from "./use-action-value.js";

export type UsePeerHealthParameters = WakuPeersHookParameters;

/**
 * Connected peers per protocol against the requirements, and the overall traffic light
 * (`healthy` / `degraded` / `unhealthy`) — `watchPeerHealth` / `getPeerHealth` of the core. Given
 * a protocol, only that protocol's `{ connected, required, ok }`, re-rendering only when it changes.
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
export function usePeerHealth(protocol?: ProtocolName, parameters?: UsePeerHealthParameters): HealthState | ProtocolHealth {
  const { store } = useWakuPeersContext("usePeerHealth", parameters);
  const select = useCallback((state: WakuPeersState) => selectPeerHealth(state, protocol), [protocol]);
  const watch = useCallback(
    (source: StoreSource, { onChange }: WatchParameters<HealthState | ProtocolHealth>) =>
      protocol === undefined ? watchPeerHealth(source, { onChange }) : watchPeerHealth(source, { protocol, onChange }),
    [protocol],
  );
  return useActionValue(store, select, watch);
}
