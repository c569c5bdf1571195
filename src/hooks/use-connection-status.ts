"use client";
import { watchConnectionStatus } from "../core/index.js";
import type { ConnectionStatusResult, GetConnectionStatusReturnType } from "../core/index.js";
import { selectConnectionStatus } from "../core/actions/get-connection-status.js";
import { useWakuPeersContext, type WakuPeersHookParameters } from "../provider/context.js";
import { useActionValue } from "./use-action-value.js";

export type UseConnectionStatusParameters = WakuPeersHookParameters;
export type { ConnectionStatusResult };
/** A union discriminated by `status`: `if (result.isConnected)` narrows `result.status` to `"connected"`. */
export type UseConnectionStatusReturnType = GetConnectionStatusReturnType;

/**
 * The connection status with one boolean per state (`watchConnectionStatus` /
 * `getConnectionStatus` of the core). Re-renders only when the status changes, never for peer
 * events that leave it as it is. `idle` during server rendering and the first client render.
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
  return useActionValue(store, selectConnectionStatus, watchConnectionStatus);
}
