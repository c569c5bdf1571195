"use client";
import { useMemo, useSyncExternalStore } from "react";

import type { PeersStore, StoreSource, Unwatch, WakuPeersState, WatchParameters } from "../core/index.js";

/**
 * A core action pair (`watchX` + the selector `getX` reads) as a React value: React subscribes
 * through the action once per store (never per render), reads the selection as its snapshot, and
 * the server snapshot is the selection of the store's initial state, so server and hydrating
 * client agree. The selectors keep identity while their slice is unchanged.
 */
export function useActionValue<T>(
  store: PeersStore,
  select: (state: WakuPeersState) => T,
  watch: (source: StoreSource, parameters: WatchParameters<T>) => Unwatch,
): T {
  const subscribe = useMemo(() => (notify: () => void) => watch({ store }, { onChange: notify }), [store, watch]);
  return useSyncExternalStore(
    subscribe,
    () => select(store.getState()),
    () => select(store.getInitialState()),
  );
}
