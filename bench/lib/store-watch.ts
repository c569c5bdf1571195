/** Timing our side through its public store, the way a UI reads it. */
import type { PeerManager, WakuPeersState } from "../../src/core/index.js";
import type { Sample } from "../types.js";
import { now } from "./time.js";
import type { WaitOptions } from "./observer.js";

/**
 * Resolves once `check(state)` holds with the ms from `since` (taken inside the store listener,
 * so at the very update), or at the cap with `capped: true`. The current state is checked first.
 */
export function waitForState(
  store: PeerManager["store"],
  check: (state: WakuPeersState) => boolean,
  options: WaitOptions,
): Promise<Sample> {
  return new Promise<Sample>((resolve) => {
    let done = false;
    let unsubscribe: () => void = () => {};
    const finish = (sample: Sample): void => {
      if (done) return;
      done = true;
      clearTimeout(cap);
      unsubscribe();
      resolve(sample);
    };
    const cap = setTimeout(
      () => finish({ value: options.capMs, capped: true }),
      Math.max(0, options.since + options.capMs - now()),
    );
    unsubscribe = store.subscribe((state) => {
      if (check(state)) finish({ value: Math.max(0, now() - options.since), capped: false });
    });
    if (check(store.getState())) finish({ value: Math.max(0, now() - options.since), capped: false });
  });
}
