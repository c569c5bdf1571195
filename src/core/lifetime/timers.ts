import type { Clock } from "./clock.js";
import type { Lifetime, OwnedLifetime } from "./lifetime.js";
import { createLifetime } from "./lifetime.js";

/** `setTimeout` turns longer delays into 1 ms (Node warns, browsers do not): every delay is capped here. */
export const MAX_DELAY_MS = 2 ** 31 - 1;

const noop = (): void => {};

/**
 * Runs `run` after `ms` on `clock`, unless `lifetime` ends first: a timer that never outlives
 * its owner. Returns a cancel.
 */
export function after(clock: Clock, lifetime: Lifetime, ms: number, run: () => void): () => void {
  if (lifetime.ended) return noop;
  let unregister = noop;
  const handle = clock.setTimeout(
    () => {
      unregister();
      run();
    },
    Math.min(MAX_DELAY_MS, Math.max(0, ms)),
  );
  unregister = lifetime.onEnd(() => clock.clearTimeout(handle));
  return () => {
    unregister();
    clock.clearTimeout(handle);
  };
}

/**
 * A lifetime inside `parent` that ends on its own after `ms` (its signal's reason: `reason()`).
 * `release()` it when the operation is done, which drops the timer.
 */
export function deadline(clock: Clock, parent: Lifetime, ms: number, reason: () => Error): OwnedLifetime {
  const limit = createLifetime(parent);
  after(clock, limit, ms, () => limit.end(reason()));
  return limit;
}

/** Resolves after `ms`, or at once when `lifetime` ends (never rejects). */
export function sleep(clock: Clock, lifetime: Lifetime, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const limit = deadline(clock, lifetime, ms, () => new Error("slept"));
    limit.onEnd(() => resolve());
  });
}
