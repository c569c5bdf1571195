// The mutator type below is registered by zustand/middleware's module augmentation. tsc drops the
// value import from the .d.ts (no declaration uses it), so without this directive a consumer's
// compiler never sees the augmentation and `store.subscribe` is on type `never`.
/// <reference types="zustand/middleware" preserve="true" />
import { subscribeWithSelector } from "zustand/middleware";
import type { Mutate, StoreApi } from "zustand/vanilla";
import { createStore } from "zustand/vanilla";

import { computeHealth, NO_PEERS } from "./health.js";
import type { RecoveryState, Requirements, WakuPeersState } from "./types.js";

/** The manager's store: a zustand vanilla store whose `subscribe` also takes a selector. */
export type WakuPeersStore = Mutate<StoreApi<WakuPeersState>, [["zustand/subscribeWithSelector", never]]>;

export const IDLE_RECOVERY: RecoveryState = Object.freeze({
  inProgress: false,
  manual: false,
  attempt: 0,
  nextRetryAt: undefined,
  progress: undefined,
  lastError: undefined,
  lastRecoveredAt: undefined,
});

/** The state before the manager has looked at the node; also the server-rendering snapshot. */
export function createInitialState(requirements: Readonly<Requirements>): WakuPeersState {
  return {
    status: "idle",
    health: computeHealth(NO_PEERS, requirements),
    peers: Object.freeze({}),
    recovery: IDLE_RECOVERY,
    lost: "ok",
    events: Object.freeze([]),
    lastError: undefined,
    online: true,
    firstConnectedAt: undefined,
  };
}

/**
 * One store per manager, never module-level, so parallel tests, StrictMode and server renders
 * never share state. Only the manager writes to it.
 */
export function createPeersStore(initialState: WakuPeersState): WakuPeersStore {
  return createStore<WakuPeersState>()(subscribeWithSelector(() => initialState));
}
