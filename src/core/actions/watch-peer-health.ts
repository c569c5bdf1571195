import type { HealthState, ProtocolHealth, ProtocolName } from "../types.js";
import { selectPeerHealth } from "./get-peer-health.js";
import type { StoreSource, Unwatch, WatchParameters } from "./types.js";

export interface WatchPeerHealthParameters<T extends HealthState | ProtocolHealth = HealthState> extends WatchParameters<T> {
  /** Follow only this protocol's health. */
  protocol?: ProtocolName;
}

/**
 * Calls `onChange` whenever the health (or one protocol's health) changes.
 *
 * @example
 * const unwatch = watchPeerHealth(manager, { protocol: "filter", onChange: (filter) => render(filter.connected) });
 */
export function watchPeerHealth(
  manager: StoreSource,
  parameters: WatchPeerHealthParameters<ProtocolHealth> & { protocol: ProtocolName },
): Unwatch;
export function watchPeerHealth(
  manager: StoreSource,
  parameters: WatchPeerHealthParameters<HealthState> & { protocol?: undefined },
): Unwatch;
export function watchPeerHealth(
  manager: StoreSource,
  parameters: WatchPeerHealthParameters<HealthState | ProtocolHealth>,
): Unwatch {
  const { protocol, onChange } = parameters;
  return manager.store.subscribe(
    (state) => selectPeerHealth(state, protocol),
    (value, previous) => onChange(value, previous),
  );
}
