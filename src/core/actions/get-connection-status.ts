import type { ConnectionStatus, WakuPeersState } from "../types.js";
import type { StoreSource } from "./types.js";

/** The flags of one status; `true` exactly where the status matches, so checks narrow `status`. */
export interface ConnectionStatusResult<S extends ConnectionStatus> {
  status: S;
  isConnected: S extends "connected" ? true : false;
  isConnecting: S extends "connecting" ? true : false;
  isReconnecting: S extends "reconnecting" ? true : false;
  isOffline: S extends "offline" ? true : false;
  isDegraded: S extends "degraded" ? true : false;
  isDisconnected: S extends "disconnected" ? true : false;
}

/** A union discriminated by `status`: `if (result.isConnected)` narrows `result.status` to `"connected"`. */
export type GetConnectionStatusReturnType = { [S in ConnectionStatus]: ConnectionStatusResult<S> }[ConnectionStatus];

function resultOf<S extends ConnectionStatus>(status: S): ConnectionStatusResult<S> {
  return Object.freeze({
    status,
    isConnected: status === "connected",
    isConnecting: status === "connecting",
    isReconnecting: status === "reconnecting",
    isOffline: status === "offline",
    isDegraded: status === "degraded",
    isDisconnected: status === "disconnected",
  }) as ConnectionStatusResult<S>;
}

// One frozen result per status: the same object for as long as the status holds.
const RESULTS: { readonly [S in ConnectionStatus]: ConnectionStatusResult<S> } = {
  idle: resultOf("idle"),
  connecting: resultOf("connecting"),
  connected: resultOf("connected"),
  degraded: resultOf("degraded"),
  reconnecting: resultOf("reconnecting"),
  offline: resultOf("offline"),
  disconnected: resultOf("disconnected"),
};

/**
 * The status result of a state (what `getConnectionStatus` reads).
 *
 * @example
 * selectConnectionStatus(manager.store.getInitialState()).status; // "idle"
 */
export const selectConnectionStatus = (state: WakuPeersState): GetConnectionStatusReturnType => RESULTS[state.status];

/**
 * The connection status with one boolean per state. The same frozen object for as long as the
 * status holds.
 *
 * @example
 * const { status, isConnected } = getConnectionStatus(manager);
 */
export function getConnectionStatus(manager: StoreSource): GetConnectionStatusReturnType {
  return selectConnectionStatus(manager.store.getState());
}
