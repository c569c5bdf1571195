import type { GetConnectionStatusReturnType } from "./get-connection-status.js";
import { selectConnectionStatus } from "./get-connection-status.js";
import type { StoreSource, Unwatch, WatchParameters } from "./types.js";

export type WatchConnectionStatusParameters = WatchParameters<GetConnectionStatusReturnType>;

/**
 * Calls `onChange` whenever the status changes — never for peer events that leave it as it is.
 *
 * @example
 * const unwatch = watchConnectionStatus(manager, {
 *   onChange: ({ status, isReconnecting }) => badge.update(status, isReconnecting),
 * });
 */
export function watchConnectionStatus(manager: StoreSource, parameters: WatchConnectionStatusParameters): Unwatch {
  return manager.store.subscribe(selectConnectionStatus, (value, previous) => parameters.onChange(value, previous));
}
