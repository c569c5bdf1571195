import { backoffDelay } from "./backoff.js";
import type { Clock, TimerHandle } from "./clock.js";
import type { DialCandidate } from "./dial-candidates.js";
import { errorMessage } from "./errors.js";
import type { ResolvedRecovery } from "./resolve-options.js";
import type { RecoveryState } from "./types.js";

export interface RecoveryLoopContext {
  clock: Clock;
  random: () => number;
  options: ResolvedRecovery;
  /** Dials in flight at once within a tick. */
  concurrency: number;
  requirementsMet(): boolean;
  isOnline(): boolean;
  /** A manual `reconnect()` is running: the loop stands aside. */
  paused(): boolean;
  /** Candidates in dial order (policy applied); connected ones are skipped here. */
  candidates(): Promise<DialCandidate[]>;
  dial(candidate: DialCandidate, signal: AbortSignal): Promise<unknown>;
  dialFailed(candidate: DialCandidate, reason: string): void;
  state(patch: Partial<RecoveryState>): void;
  /** The configured give-up time passed: stop retrying until `resume()`. */
  gaveUp(): void;
}

export interface CheckOptions {
  /** Dial now instead of waiting for the scheduled retry (a hint, a loss). */
  urgent?: boolean;
  /** Start the backoff over, fast phase included (the device just came online). */
  resetBackoff?: boolean;
}

export interface RecoveryLoop {
  /**
   * Looks at the facts: requirements met → ends the outage; offline → no dials until online;
   * otherwise dials now (urgent, or a new outage) or keeps the scheduled retry.
   */
  check(options?: CheckOptions): void;
  /** After a give-up: retry again from scratch. */
  resume(): void;
  readonly gaveUp: boolean;
  stop(): void;
}

/**
 * The automatic recovery: while the requirements are unmet and the device says it is online,
 * each tick dials at most `maxDialsPerTick` candidates (`concurrency` at a time; a failed dial
 * frees its slot for the next candidate), then waits the backoff delay. A hint or a loss dials
 * at once. While offline nothing is dialed — no retry storm against a dead link — and the moment
 * the environment says online the backoff starts over with an immediate tick. Dial failures never
 * cost a peer its score: they say as much about our network as about the peer.
 */
export function createRecoveryLoop(context: RecoveryLoopContext, startupDelayMs: number): RecoveryLoop {
  const { clock, options } = context;
  const startupUntil = clock.now() + startupDelayMs;
  let stopped = false;
  let gaveUp = false;
  let outageStartedAt: number | undefined;
  let ticks = 0;
  let slowTicks = 0;
  let timer: TimerHandle | undefined;
  let ticking = false;
  let rerun = false;
  let dials = new AbortController();
  /** Per-dial timeouts, cleared at once by `stop()` (the dials themselves settle a moment later). */
  const dialTimers = new Set<TimerHandle>();

  /** What was last reported, so a check that changes nothing reports nothing (no commit loop). */
  const reported: Partial<RecoveryState> = {};
  const report = (patch: Partial<RecoveryState>): void => {
    const changed = (Object.keys(patch) as (keyof RecoveryState)[]).filter((key) => reported[key] !== patch[key]);
    if (changed.length === 0) return;
    Object.assign(reported, patch);
    context.state(patch);
  };

  const clearTimer = (): void => {
    if (timer === undefined) return;
    clock.clearTimeout(timer);
    timer = undefined;
  };

  const endOutage = (): void => {
    clearTimer();
    dials.abort();
    dials = new AbortController();
    if (outageStartedAt === undefined && ticks === 0) return;
    outageStartedAt = undefined;
    ticks = 0;
    slowTicks = 0;
    report({ inProgress: false, attempt: 0, nextRetryAt: undefined });
  };

  const startTimer = (delay: number, run: () => void): void => {
    clearTimer();
    timer = clock.setTimeout(() => {
      timer = undefined;
      run();
    }, Math.max(0, delay));
  };

  function check(checkOptions: CheckOptions = {}): void {
    if (stopped || gaveUp) return;
    if (context.requirementsMet()) return endOutage();
    if (context.paused()) return clearTimer();
    if (!context.isOnline()) {
      clearTimer();
      if (outageStartedAt !== undefined) report({ inProgress: true, nextRetryAt: undefined });
      return;
    }
    const startingUp = outageStartedAt === undefined && clock.now() < startupUntil;
    if (startingUp && checkOptions.urgent !== true) {
      // The SDK is dialing its bootstrap peers itself right now: join in only if that fails.
      if (timer === undefined) startTimer(startupUntil - clock.now(), () => check({ urgent: true }));
      return;
    }
    if (outageStartedAt === undefined || checkOptions.resetBackoff === true) {
      outageStartedAt = clock.now();
      ticks = 0;
      slowTicks = 0;
    } else if (checkOptions.urgent !== true) {
      // An outage is running: its retry is scheduled (or a tick is in flight).
      if (timer === undefined && !ticking) scheduleNext();
      return;
    }
    if (ticking) {
      rerun = true;
      return;
    }
    clearTimer();
    runTick();
  }

  async function tick(): Promise<void> {
    ticking = true;
    ticks++;
    report({ inProgress: true, attempt: ticks, nextRetryAt: undefined });
    const signal = dials.signal;
    try {
      let candidates: DialCandidate[];
      try {
        candidates = (await context.candidates()).filter((candidate) => !candidate.connected);
      } catch (error) {
        report({ lastError: `cannot list known peers: ${errorMessage(error)}` });
        candidates = [];
      }
      await dialSome(candidates.slice(0, options.maxDialsPerTick), signal);
    } finally {
      ticking = false;
    }
    if (stopped || gaveUp) return;
    if (rerun) {
      rerun = false;
      return check({ urgent: true });
    }
    check();
  }

  /** Starts a tick; it never rejects (a throwing callback becomes the recovery's last error). */
  function runTick(): void {
    tick().catch((error: unknown) => {
      ticking = false;
      if (!stopped) report({ lastError: `recovery failed: ${errorMessage(error)}` });
    });
  }

  async function dialSome(candidates: DialCandidate[], signal: AbortSignal): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < candidates.length && !signal.aborted && !stopped && !context.requirementsMet()) {
        const candidate = candidates[next++] as DialCandidate;
        const controller = new AbortController();
        const onAbort = (): void => controller.abort();
        signal.addEventListener("abort", onAbort);
        const timeout = clock.setTimeout(() => {
          dialTimers.delete(timeout);
          controller.abort(new Error(`dial timed out after ${options.dialTimeoutMs} ms`));
        }, options.dialTimeoutMs);
        dialTimers.add(timeout);
        try {
          await context.dial(candidate, controller.signal);
        } catch (error) {
          // A dial we aborted ourselves (requirements met, stop) is no failure of the peer.
          if (!signal.aborted && !stopped) {
            const reason = controller.signal.aborted ? errorMessage(controller.signal.reason) : errorMessage(error);
            context.dialFailed(candidate, reason);
          }
        } finally {
          if (dialTimers.delete(timeout)) clock.clearTimeout(timeout);
          signal.removeEventListener("abort", onAbort);
        }
      }
    };
    const workers = Math.min(context.concurrency, candidates.length);
    await Promise.all(Array.from({ length: workers }, worker));
  }

  function scheduleNext(): void {
    if (outageStartedAt === undefined) outageStartedAt = clock.now();
    const now = clock.now();
    const outageMs = now - outageStartedAt;
    const giveUpAt = options.giveUpAfterMs === undefined ? undefined : outageStartedAt + options.giveUpAfterMs;
    if (giveUpAt !== undefined && now >= giveUpAt) {
      gaveUp = true;
      clearTimer();
      dials.abort();
      report({ inProgress: false, nextRetryAt: undefined });
      context.gaveUp();
      return;
    }
    const slow = outageMs >= options.backoff.fastPhaseMs;
    let delay = backoffDelay(options.backoff, ticks, outageMs, slowTicks, context.random);
    if (slow) slowTicks++;
    if (giveUpAt !== undefined) delay = Math.min(delay, giveUpAt - now);
    report({ nextRetryAt: now + delay });
    startTimer(delay, () => {
      if (stopped || gaveUp) return;
      if (context.requirementsMet()) return endOutage();
      if (context.paused() || !context.isOnline()) return;
      if (ticking) {
        rerun = true;
        return;
      }
      runTick();
    });
  }

  return {
    check,
    resume() {
      if (stopped) return;
      gaveUp = false;
      outageStartedAt = undefined;
      ticks = 0;
      slowTicks = 0;
    },
    get gaveUp() {
      return gaveUp;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearTimer();
      for (const dialTimer of dialTimers) clock.clearTimeout(dialTimer);
      dialTimers.clear();
      dials.abort();
    },
  };
}
