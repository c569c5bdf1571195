import type { Clock, TimerHandle } from "./clock.js";
import { errorMessage } from "./errors.js";
import type { DialCandidate } from "./dial-candidates.js";
import type { Libp2pLike } from "./node-boundary.js";
import type { ConnectionStatus, ReconnectProgress, ReconnectResult } from "./types.js";

export interface ReconnectRun {
  hard: boolean;
  timeoutMs: number;
}

/** What a reconnect needs from the manager. */
export interface ReconnectContext {
  libp2p: Libp2pLike;
  clock: Clock;
  concurrency: number;
  /** Dial candidates in dial order. */
  candidates(): Promise<DialCandidate[]>;
  requirementsMet(): boolean;
  /** Calls back when the requirements become met; returns an unsubscribe. */
  whenRequirementsMet(callback: () => void): () => void;
  status(): ConnectionStatus;
  progress(progress: ReconnectProgress): void;
  dialFailed(candidate: DialCandidate, reason: string): void;
  /** Something other than a single dial went wrong (peer store, discovery). */
  failed(reason: string): void;
  rediscover: (() => Promise<void> | void) | undefined;
}

/**
 * One manual reconnect: dial the candidates with bounded concurrency (a failed dial simply frees
 * its slot for the next candidate; `dialed` counts dials started, `succeeded` those that
 * connected) and resolve as soon as the requirements are met, or with `ok: false` when the
 * timeout passes or `stopSignal` aborts. Never rejects. Dials still in flight when it resolves
 * are aborted, so a met requirement does not keep opening connections.
 *
 * When the requirements are already met, the user still pressed "reconnect": known service peers
 * that are not connected (a node that came back, say) are re-dialed now instead of waiting out
 * the SDK's cooldowns, and the run resolves once that round has settled. Bootstrap peers are left
 * out of that round: the peer policy would only hang a surplus one up again.
 */
export function runReconnect(context: ReconnectContext, run: ReconnectRun, stopSignal: AbortSignal): Promise<ReconnectResult> {
  const { clock } = context;
  const startedAt = clock.now();
  const dials = new AbortController();
  const progress: ReconnectProgress = { dialed: 0, total: 0, succeeded: 0 };
  let settled = false;
  let timer: TimerHandle | undefined;
  let stopWatching: (() => void) | undefined;

  return new Promise<ReconnectResult>((resolve) => {
    const finish = (ok: boolean, error?: string): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      stopWatching?.();
      stopSignal.removeEventListener("abort", onStop);
      dials.abort();
      const result: ReconnectResult = {
        ok,
        status: context.status(),
        durationMs: clock.now() - startedAt,
        dialed: progress.dialed,
      };
      if (error !== undefined) result.error = error;
      resolve(result);
    };
    const onStop = (): void => finish(false, "the peer manager was stopped");

    if (stopSignal.aborted) return onStop();
    const metAtStart = context.requirementsMet();
    stopSignal.addEventListener("abort", onStop);
    if (!metAtStart) stopWatching = context.whenRequirementsMet(() => finish(true));
    timer = clock.setTimeout(
      () => finish(false, `requirements not met within ${run.timeoutMs} ms`),
      run.timeoutMs,
    );

    if (run.hard && context.rediscover !== undefined) {
      const rediscover = context.rediscover;
      Promise.resolve()
        .then(rediscover)
        .catch((error: unknown) => {
          if (!settled) context.failed(`discovery failed: ${errorMessage(error)}`);
        });
    }

    void dialAll(metAtStart).then(() => {
      if (metAtStart) finish(context.requirementsMet());
    });
  });

  async function dialAll(topUpOnly: boolean): Promise<void> {
    let candidates: DialCandidate[];
    try {
      candidates = await context.candidates();
    } catch (error) {
      if (!settled) context.failed(`cannot list known peers: ${errorMessage(error)}`);
      return;
    }
    if (topUpOnly) candidates = candidates.filter((candidate) => !candidate.connected && !candidate.bootstrap);
    if (settled) return;
    progress.total = candidates.length;
    context.progress({ ...progress });

    let next = 0;
    const worker = async (): Promise<void> => {
      while (!settled && next < candidates.length) {
        const candidate = candidates[next++] as DialCandidate;
        progress.dialed++;
        context.progress({ ...progress });
        try {
          await context.libp2p.dial(candidate.target, { signal: dials.signal });
          progress.succeeded++;
        } catch (error) {
          // A dial we aborted ourselves is no failure of the peer.
          if (settled) return;
          context.dialFailed(candidate, errorMessage(error));
        }
        if (!settled) context.progress({ ...progress });
      }
    };
    const workers = Math.min(context.concurrency, candidates.length);
    await Promise.all(Array.from({ length: workers }, worker));
  }
}

export { errorMessage };
