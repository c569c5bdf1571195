"use client";
import { useEffect, useMemo, useRef, useSyncExternalStore } from "react";

import type { PeersStore, WakuPeersState } from "../core/index.js";

/**
 * `useSyncExternalStore` with a selector and an equality function (the algorithm of React's
 * `use-sync-external-store/with-selector`, which is not a dependency here).
 *
 * - `store.subscribe` is the store's own, stable function: React never resubscribes on render.
 * - The selection is memoized per store state, and an equal selection keeps the previous value's
 *   identity, so selectors may build objects when `isEqual` is structural (e.g. `shallow`).
 * - The server snapshot is the store's initial state: server and hydrating client agree.
 */
export function useStoreSelector<T>(
  store: PeersStore,
  selector: (state: WakuPeersState) => T,
  isEqual: (a: T, b: T) => boolean = Object.is,
): T {
  // The selection last rendered, so an inline selector (new each render) keeps equal values stable.
  const rendered = useRef<{ value: T } | null>(null);

  const [getSelection, getServerSelection] = useMemo(() => {
    let memo: { state: WakuPeersState; value: T } | undefined;
    const select = (state: WakuPeersState): T => {
      if (memo !== undefined && Object.is(memo.state, state)) return memo.value;
      const next = selector(state);
      const previous = memo ?? rendered.current;
      const value = previous !== null && isEqual(previous.value, next) ? previous.value : next;
      memo = { state, value };
      return value;
    };
    return [() => select(store.getState()), () => select(store.getInitialState())] as const;
  }, [store, selector, isEqual]);

  const value = useSyncExternalStore(store.subscribe as (listener: () => void) => () => void, getSelection, getServerSelection);
  useEffect(() => {
    rendered.current = { value };
  }, [value]);
  return value;
}
