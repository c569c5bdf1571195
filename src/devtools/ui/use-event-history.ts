"use client";
import { useState, useSyncExternalStore } from "react";

import type { PeerEvent, PeersStore } from "../../core/index.js";
import { eventsSince } from "../../messages/loss-signals.js";

const HISTORY_LIMIT = 500;

/**
 * Every event the panel has seen, not only the manager's short ring buffer (50 by default): the
 * status timeline and the quarantines it shows reach further back than the log does. Kept by the
 * panel's outer component, so a closed floating panel keeps recording.
 */
export function useEventHistory(store: PeersStore): readonly PeerEvent[] {
  const events = useSyncExternalStore(
    store.subscribe,
    () => store.getState().events,
    () => store.getInitialState().events,
  );
  const [seen, setSeen] = useState(() => ({ events, history: events }));
  if (seen.events === events) return seen.history;
  const next = { events, history: [...seen.history, ...eventsSince(seen.events, events)].slice(-HISTORY_LIMIT) };
  setSeen(next);
  return next.history;
}
