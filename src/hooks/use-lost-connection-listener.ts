"use client";
import { useEffect } from "react";

import { watchLostConnection } from "../core/index.js";
import { useWakuPeersContext, type WakuPeersHookParameters } from "../provider/context.js";
import { useLatest } from "../provider/use-latest.js";
import type { LostConnectionSignal } from "../provider/waku-peers-controller.js";

export type UseLostConnectionListenerParameters = WakuPeersHookParameters;

/**
 * Calls `callback` with `"lost"` once the connection has been gone longer than the grace period
 * (default 5 s, `lostConnectionGraceMs`), then `"restored"` or `"failed"` (`watchLostConnection`
 * of the core). Blips shorter than the grace never call it, which makes it the right trigger for
 * toasts. The newest `callback` is always used, so it needs no `useCallback`; the listener is
 * removed on unmount.
 *
 * @throws {WakuPeersError} `NO_PROVIDER` outside `<WakuPeersProvider>` without `parameters.manager`.
 *
 * @example
 * useLostConnectionListener((signal) => {
 *   if (signal === "lost") toast.warn("Connection lost, reconnecting…");
 *   if (signal === "restored") toast.success("Back online");
 *   if (signal === "failed") toast.error("Could not reconnect");
 * });
 */
export function useLostConnectionListener(
  callback: (signal: LostConnectionSignal) => void,
  parameters?: UseLostConnectionListenerParameters,
): void {
  const context = useWakuPeersContext("useLostConnectionListener", parameters);
  const latest = useLatest(callback);
  useEffect(() => watchLostConnection(context, { onChange: (signal) => latest.current(signal) }), [context, latest]);
}
