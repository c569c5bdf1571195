"use client";
import { useCallback, useMemo, useState } from "react";
import { shallow } from "zustand/vanilla/shallow";

import type { ReconnectOptions, ReconnectProgress, ReconnectResult, WakuPeersFailure, WakuPeersState } from "../core/index.js";
import { useWakuPeersContext, type WakuPeersHookParameters } from "../provider/context.js";
import { useStoreSelector } from "./use-store-selector.js";

export type UseReconnectParameters = WakuPeersHookParameters;

export interface UseReconnectReturnType {
  /**
   * Re-dial service peers now, bypassing cooldowns; `{ hard: true }` also re-runs discovery.
   * Stable across renders. Resolves with the result and never rejects: failures are results.
   */
  reconnect: (options?: ReconnectOptions) => Promise<ReconnectResult>;
  /** A manual reconnect is running (this component's or any other). */
  isReconnecting: boolean;
  /** Dials of the running manual reconnect. */
  progress: ReconnectProgress | undefined;
  /** What this component's last `reconnect()` call returned. */
  lastResult: ReconnectResult | undefined;
  /** The error of that result (`{ code, message }`), if it failed with one. */
  error: WakuPeersFailure | undefined;
}

const selectManualRecovery = (state: WakuPeersState) => ({
  manual: state.recovery.manual,
  progress: state.recovery.progress,
});

/**
 * The manual lever for a "Reconnect" button: `reconnect()` plus what it is doing. Like a
 * mutation hook, `lastResult` belongs to this component; `isReconnecting` and `progress` come
 * from the shared state, so every button shows a reconnect started anywhere.
 *
 * @throws {WakuPeersError} `NO_PROVIDER` outside `<WakuPeersProvider>` without `parameters.manager`.
 *
 * @example
 * function ReconnectButton() {
 *   const { reconnect, isReconnecting, progress, error } = useReconnect();
 *   return (
 *     <button disabled={isReconnecting} onClick={() => void reconnect()}>
 *       {isReconnecting ? `Dialing ${progress?.dialed ?? 0}/${progress?.total ?? "?"}` : "Reconnect"}
 *       {error && <small>{error.message}</small>}
 *     </button>
 *   );
 * }
 */
export function useReconnect(parameters?: UseReconnectParameters): UseReconnectReturnType {
  const context = useWakuPeersContext("useReconnect", parameters);
  const { manual, progress } = useStoreSelector(context.store, selectManualRecovery, shallow);
  const [pending, setPending] = useState(0);
  const [lastResult, setLastResult] = useState<ReconnectResult | undefined>(undefined);

  const reconnect = useCallback(
    async (options?: ReconnectOptions): Promise<ReconnectResult> => {
      setPending((count) => count + 1);
      // context.reconnect never rejects: no catch needed, nothing can escape as a rejection.
      const result = await context.reconnect(options);
      setLastResult(result);
      setPending((count) => count - 1);
      return result;
    },
    [context],
  );

  return useMemo(
    () => ({
      reconnect,
      isReconnecting: pending > 0 || manual,
      progress,
      lastResult,
      error: lastResult?.error,
    }),
    [reconnect, pending, manual, progress, lastResult],
  );
}
