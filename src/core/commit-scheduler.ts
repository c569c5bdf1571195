/**
 * Coalesces work into one run per microtask: libp2p fires several events per peer (open,
 * connect, update, identify) and many peers at once, and the store should change once for all
 * of them. Synchronous event handlers only mark what changed and call `schedule()`.
 */
export interface CommitScheduler {
  schedule(): void;
  /** Drops a scheduled run (used by `stop()`). */
  cancel(): void;
}

export function createCommitScheduler(run: () => void): CommitScheduler {
  let scheduled = false;
  let cancelled = false;
  return {
    schedule() {
      if (scheduled || cancelled) return;
      scheduled = true;
      queueMicrotask(() => {
        scheduled = false;
        if (!cancelled) run();
      });
    },
    cancel() {
      cancelled = true;
    },
  };
}
