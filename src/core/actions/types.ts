import type { PeerManager, PeersStore } from "../types.js";

/** What an action reads: a peer manager, or anything holding its store (the provider's context does). */
export interface StoreSource {
  readonly store: PeersStore;
}

/** What a `watch…` action takes: called with the new value and the previous one, only when it changed. */
export interface WatchParameters<T> {
  onChange(value: T, previous: T): void;
}

/** A source of lost-connection signals: a peer manager, or the provider's context. */
export type LostConnectionSource = Pick<PeerManager, "onLostConnection">;

export type Unwatch = () => void;
