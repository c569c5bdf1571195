import type { LostConnectionState } from "../types.js";
import type { LostConnectionSource, Unwatch } from "./types.js";

export interface WatchLostConnectionParameters {
  onChange(signal: Exclude<LostConnectionState, "ok">): void;
}

/**
 * Calls `onChange` with `"lost"` once the connection has been gone longer than the grace period
 * (default 5 s), then `"restored"` or `"failed"`. Blips shorter than the grace call nothing.
 *
 * @example
 * const unwatch = watchLostConnection(manager, { onChange: (signal) => signal === "lost" && toast("Reconnecting…") });
 */
export function watchLostConnection(manager: LostConnectionSource, parameters: WatchLostConnectionParameters): Unwatch {
  return manager.onLostConnection((signal) => parameters.onChange(signal));
}
