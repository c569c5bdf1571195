import type { DialCandidate } from "../discovery/candidate-index.js";
import type { WakuPeersFailure } from "../errors.js";
import { errorMessage, failure } from "../errors.js";
import { createLifetime } from "../lifetime/lifetime.js";
import { after } from "../lifetime/timers.js";
import type { Lifetime } from "../lifetime/lifetime.js";
import type { Issues } from "../options/schema.js";
import { flag, object, optionalDuration } from "../options/schema.js";
import type { Runtime } from "../runtime.js";
import type { ReconnectProgress, ReconnectResult } from "../types.js";
import type { DialPool } from "./dial-pool.js";

interface ReconnectRun {
  hard: boolean;
  timeoutMs: number;
}

const readReconnectOptions = object({ hard: flag(false), timeoutMs: optionalDuration() });

/**
 * `manager.reconnect(options)`: total by construction. Bad input resolves with an
 * `INVALID_ARGUMENT` result, a stopped manager with `STOPPED`; nothing throws or rejects. A second
 * call while one runs joins it: two runs would only race for the same peers.
 */
export function createReconnect(runtime: Runtime, pool: DialPool): (options?: unknown) => Promise<ReconnectResult> {
  let running: Promise<ReconnectResult> | undefined;
  return (options) => {
    try {
      const issues: Issues = [];
      const parsed = readReconnectOptions(options, "options", issues);
      if (issues.length > 0) return refused(runtime, failure("INVALID_ARGUMENT", issues.join("; ")));
      if (runtime.signal.aborted) return refused(runtime, failure("STOPPED", "the peer manager is stopped"));
      running ??= reconnect(runtime, pool, {
        hard: parsed.hard,
        timeoutMs: parsed.timeoutMs ?? runtime.options.reconnectTimeoutMs,
      }).finally(() => {
        running = undefined;
      });
      return running;
    } catch (error) {
      return refused(runtime, failure("UNEXPECTED", `reconnect failed: ${errorMessage(error)}`));
    }
  };
}

function refused(runtime: Runtime, error: WakuPeersFailure): Promise<ReconnectResult> {
  return Promise.resolve({ ok: false, status: runtime.store.getState().status, durationMs: 0, dialed: 0, error });
}

/**
 * One manual reconnect. A hard one first lets parked bootstrap peers back in and forgets recent
 * dial failures (every way in is tried again); if re-discovery does not meet the requirements,
 * the node is recreated. The state is committed synchronously at both ends, so a caller resuming
 * after `await reconnect()` reads the final state.
 */
async function reconnect(runtime: Runtime, pool: DialPool, run: ReconnectRun): Promise<ReconnectResult> {
  runtime.bus.emit("resume", undefined);
  if (run.hard) {
    for (const id of pool.blocks.unblockAll("surplus-bootstrap"))
      runtime.event("peer:parked", id, "released by a hard reconnect");
    pool.index.clearDialFailures();
  }
  runtime.facts.manualReconnect = true;
  runtime.facts.lastError = undefined;
  runtime.updateRecovery({ manual: true, progress: { dialed: 0, total: 0, succeeded: 0 } });
  runtime.event("reconnect", undefined, run.hard ? "hard reconnect started" : "reconnect started");
  runtime.commitNow();
  let result = await dialUntilMet(runtime, pool, run);
  if (run.hard && !result.ok && !runtime.signal.aborted) result = await recreate(runtime, result);
  runtime.facts.manualReconnect = false;
  if (runtime.signal.aborted) return result;
  runtime.updateRecovery({ manual: false });
  if (result.error !== undefined) runtime.facts.lastError = result.error;
  const detail = result.ok
    ? `${result.recreated === true ? "node recreated" : "reconnected"} in ${result.durationMs} ms`
    : `reconnect failed: ${result.error?.message ?? "unknown"}`;
  runtime.event("reconnect", undefined, detail);
  runtime.commitNow();
  return result;
}

/**
 * Dials every candidate through the pool and resolves as soon as the requirements are met, or
 * with `TIMEOUT` (`NO_PEERS` when there was nobody to dial) when the time is up, or `STOPPED`.
 * Dials still in flight then are abandoned. With the requirements already met, the user still
 * pressed "reconnect": known service peers that are not connected (a node that came back) are
 * dialed now instead of after the SDK's cooldowns, bootstrap peers excepted (the policy would
 * only hang a surplus one up again), and the run resolves once that round has settled or gone
 * slow. Those dials are what the user asked for, so a slow one goes on in the background, bounded
 * by the dial timeout (abandoning it at 1 s left a restarted node unconnected on a loaded machine).
 */
function dialUntilMet(runtime: Runtime, pool: DialPool, run: ReconnectRun): Promise<ReconnectResult> {
  const startedAt = runtime.clock.now();
  const progress: ReconnectProgress = { dialed: 0, total: 0, succeeded: 0 };
  const dials = createLifetime(runtime.lifetime);
  const metAtStart = runtime.requirementsMet();
  return new Promise<ReconnectResult>((resolve) => {
    let settled = false;
    let cancelTimer = (): void => {};
    let stopWatching = (): void => {};
    const finish = (ok: boolean, error?: WakuPeersFailure): void => {
      if (settled) return;
      settled = true;
      cancelTimer();
      stopWatching();
      if (metAtStart && error === undefined) dials.release();
      else dials.end();
      const stopped = runtime.signal.aborted;
      const status = stopped ? "disconnected" : runtime.store.getState().status;
      const result: ReconnectResult = { ok, status, durationMs: runtime.clock.now() - startedAt, dialed: progress.dialed };
      if (error !== undefined || stopped) result.error = error ?? failure("STOPPED", "the peer manager was stopped");
      resolve(result);
    };
    dials.onEnd(() => finish(false));
    if (!metAtStart)
      stopWatching = runtime.store.subscribe(
        (state) => state.health.overall === "healthy",
        (met) => met && finish(true),
      );
    cancelTimer = after(runtime.clock, runtime.lifetime, run.timeoutMs, () => {
      finish(false, failure(progress.total === 0 ? "NO_PEERS" : "TIMEOUT", `requirements not met within ${run.timeoutMs} ms`));
    });
    if (run.hard) rediscover(runtime, () => settled);
    const report = (): void => {
      if (!settled) runtime.updateRecovery({ progress: { ...progress } });
    };
    void dialAll(runtime, pool, metAtStart, dials, () => settled, progress, report).then(() => {
      if (metAtStart) finish(runtime.requirementsMet());
    });
  });
}

async function dialAll(
  runtime: Runtime,
  pool: DialPool,
  topUpOnly: boolean,
  lifetime: Lifetime,
  settled: () => boolean,
  progress: ReconnectProgress,
  report: () => void,
): Promise<void> {
  let candidates: DialCandidate[];
  try {
    candidates = await pool.candidates();
  } catch (error) {
    if (!settled()) discoveryFailed(runtime, `cannot list known peers: ${errorMessage(error)}`);
    return;
  }
  if (topUpOnly) candidates = candidates.filter((candidate) => !candidate.connected && !candidate.bootstrap);
  if (settled()) return;
  progress.total = candidates.length;
  report();
  await pool.run(candidates, {
    concurrency: runtime.options.dialConcurrency,
    lifetime,
    enough: settled,
    started() {
      progress.dialed++;
      report();
    },
    finished(_candidate, connected) {
      if (connected) progress.succeeded++;
      report();
    },
  });
}

/** Runs the app's discovery again next to the re-dials (the provider wires it: discovery is configured at node creation). */
function rediscover(runtime: Runtime, settled: () => boolean): void {
  const again = runtime.options.rediscover;
  if (again === undefined) return;
  Promise.resolve()
    .then(again)
    .catch((error: unknown) => {
      if (!settled()) discoveryFailed(runtime, `discovery failed: ${errorMessage(error)}`);
    });
}

function discoveryFailed(runtime: Runtime, message: string): void {
  runtime.fail("DISCOVERY_FAILED", message);
  runtime.event("reconnect", undefined, message);
}

/** Hard reconnect, second half: re-discovery did not meet the requirements, so the node is recreated. */
async function recreate(runtime: Runtime, result: ReconnectResult): Promise<ReconnectResult> {
  const recreateNode = runtime.options.recreateNode;
  const reason = result.error ?? failure("TIMEOUT", "requirements not met");
  if (recreateNode === undefined) {
    return { ...result, error: failure(reason.code, `${reason.message}; no recreateNode option: the node was not recreated`) };
  }
  runtime.event("reconnect", undefined, "recreating the node");
  runtime.commitNow();
  const startedAt = runtime.clock.now();
  try {
    const outcome = await recreateNode();
    const durationMs = result.durationMs + (runtime.clock.now() - startedAt);
    const status = runtime.store.getState().status;
    if (outcome === false)
      return {
        ...result,
        recreated: true,
        status,
        durationMs,
        error: failure("RECREATE_FAILED", "recreateNode reported failure"),
      };
    return { ok: true, status, durationMs, dialed: result.dialed, recreated: true };
  } catch (error) {
    return {
      ...result,
      recreated: true,
      error: failure("RECREATE_FAILED", `recreating the node failed: ${errorMessage(error)}`),
    };
  }
}
