"use client";
import type { ConnectionStatus, WakuPeersState } from "../core/index.js";
import { useWakuPeersContext, type WakuPeersHookParameters } from "../provider/context.js";
import { useStoreSelector } from "./use-store-selector.js";

export type UseConnectionStatusParameters = WakuPeersHookParameters;

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
export type UseConnectionStatusReturnType = { [S in ConnectionStatus]: ConnectionStatusResult<S> }[ConnectionStatus];

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

// One frozen result per status: the hook returns the same object for as long as the status holds.
const RESULTS: { readonly [S in ConnectionStatus]: ConnectionStatusResult<S> } = {
  idle: resultOf("idle"),
  connecting: resultOf("connecting"),
  connected: resultOf("connected"),
  degraded: resultOf("degraded"),
  reconnecting: resultOf("reconnecting"),
  offline: resultOf("offline"),
  disconnected: resultOf("disconnected"),
};

const selectStatus = (state: WakuPeersState): ConnectionStatus => state.status;

/**
 * The connection status with one boolean per state. Re-renders only when the status changes,
 * never for peer events that leave it as it is. `idle` during server rendering and the first
 * client render.
 *
 * @throws {WakuPeersError} `NO_PROVIDER` outside `<WakuPeersProvider>` without `parameters.manager`.
 *
 * @example
 * function Badge() {
 *   const { status, isConnected, isReconnecting } = useConnectionStatus();
 *   if (isReconnecting) return <span className="badge yellow">Reconnecting…</span>;
 *   return <span className={isConnected ? "badge green" : "badge grey"}>{status}</span>;
 * }
 */
export function useConnectionStatus(parameters?: UseConnectionStatusParameters): UseConnectionStatusReturnType {
  const { store } = useWakuPeersContext("useConnectionStatus", parameters);
  const status = useStoreSelector(store, selectStatus);
  return RESULTS[status];
}
