import { vi } from "vitest";

import type { WakuPeersStore } from "../../../src/core/store.js";

/**
 * Lets every pending microtask and peer store read finish. Works with real and fake timers:
 * under fake timers it advances the fake clock by 0 ms, which also drains microtasks.
 */
export async function settle(): Promise<void> {
  if (vi.isFakeTimers()) {
    await vi.advanceTimersByTimeAsync(0);
  } else {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/** Counts store updates from now on. */
export function countUpdates(store: WakuPeersStore): { readonly count: number; stop(): void } {
  let count = 0;
  const unsubscribe = store.subscribe(() => {
    count++;
  });
  return {
    get count() {
      return count;
    },
    stop: unsubscribe,
  };
}
