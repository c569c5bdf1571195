import type { Clock } from "./clock.js";

/** `setTimeout` turns longer delays into 1 ms (Node warns, browsers do not): every delay is capped here. */
export const MAX_DELAY_MS = 2 ** 31 - 1;

const noop = (): void => {};

/**
 * Runs `run` after `ms` on `clock`, unless `signal` aborts first: a timer that belongs to a
 * lifetime and never outlives it. Returns a cancel.
 */
export function after(clock: Clock, signal: AbortSignal, ms: number, run: () => void): () => void {
  if (signal.aborted) return noop;
  const cancel = (): void => {
    clock.clearTimeout(handle);
    signal.removeEventListener("abort", cancel);
  };
  const handle = clock.setTimeout(() => {
    signal.removeEventListener("abort", cancel);
    run();
  }, Math.min(MAX_DELAY_MS, Math.max(0, ms)));
  signal.addEventListener("abort", cancel);
  return cancel;
}

export interface Deadline {
  /** Aborts after the time limit, or with `parent`. */
  readonly signal: AbortSignal;
  /** The operation finished: drop the timer and the link to `parent`. */
  done(): void;
}

/** An abort signal that fires `ms` from now (with `reason()`) or when `parent` aborts. */
export function deadline(clock: Clock, parent: AbortSignal, ms: number, reason: () => Error): Deadline {
  const controller = new AbortController();
  const follow = (): void => controller.abort(parent.reason);
  if (parent.aborted) {
    follow();
    return { signal: controller.signal, done: noop };
  }
  parent.addEventListener("abort", follow);
  const cancel = after(clock, parent, ms, () => controller.abort(reason()));
  return {
    signal: controller.signal,
    done() {
      cancel();
      parent.removeEventListener("abort", follow);
    },
  };
}

export interface ChildLifetime {
  readonly signal: AbortSignal;
  abort(): void;
  /** Done: unlink from the parent (aborting nothing). */
  release(): void;
}

/** A lifetime inside `parent`: it ends when aborted itself or when the parent ends. */
export function childLifetime(parent: AbortSignal): ChildLifetime {
  const controller = new AbortController();
  const follow = (): void => controller.abort(parent.reason);
  if (parent.aborted) follow();
  else parent.addEventListener("abort", follow);
  return {
    signal: controller.signal,
    abort: () => controller.abort(),
    release: () => parent.removeEventListener("abort", follow),
  };
}

/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
export function sleep(clock: Clock, signal: AbortSignal, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const wake = (): void => {
      signal.removeEventListener("abort", wake);
      resolve();
    };
    signal.addEventListener("abort", wake);
    after(clock, signal, ms, wake);
  });
}
