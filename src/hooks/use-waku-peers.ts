"use client";
import type { WakuPeersState } from "../core/index.js";
import { useWakuPeersContext, type WakuPeersHookParameters } from "../provider/context.js";
import { useStoreSelector } from "./use-store-selector.js";

export type UseWakuPeersParameters = WakuPeersHookParameters;

/**
 * Reads any slice of the waku-peers state; the component re-renders only when the selected
 * value changes according to `equalityFn` (default `Object.is`). A selector that builds a new
 * object or array needs a structural `equalityFn`, such as `shallow` from `zustand/shallow`.
 * The server render and the first client render see the idle state.
 *
 * @throws {WakuPeersError} `NO_PROVIDER` outside `<WakuPeersProvider>` without `parameters.manager`.
 *
 * @example
 * const events = useWakuPeers((state) => state.events);
 * const counts = useWakuPeers(
 *   (state) => ({ filter: state.health.filter.connected, store: state.health.store.connected }),
 *   shallow,
 * );
 */
export function useWakuPeers<T>(
  selector: (state: WakuPeersState) => T,
  equalityFn?: (a: T, b: T) => boolean,
  parameters?: UseWakuPeersParameters,
): T {
  const { store } = useWakuPeersContext("useWakuPeers", parameters);
  return useStoreSelector(store, selector, equalityFn);
}
