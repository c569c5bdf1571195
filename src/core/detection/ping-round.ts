import type { Clock } from "../lifetime/clock.js";
import type { Lifetime } from "../lifetime/lifetime.js";
import { createLifetime } from "../lifetime/lifetime.js";
import { after } from "../lifetime/timers.js";

/** One ping of a round: whom, and how long it may stay unanswered. */
export interface RoundPing<T> {
  target: T;
  timeoutMs: number;
}

export type PingResult =
  | { kind: "answered"; rttMs: number }
  /** Unanswered past its timeout (and still after the app had a chance to read a waiting answer). */
  | { kind: "missed"; timeoutMs: number }
  /** Failed fast (no ping protocol, a stream limit, a closing connection): no verdict. */
  | { kind: "failed"; error: unknown };

export interface RoundOutcome<T> {
  /**
   * How late a judging timer of the round fired, when that was more than the stall threshold: the
   * app itself was stalled, so no result of the round says anything about the peers (unless the
   * round was run with `judgeStalled`, which judged it all the same).
   */
  stalledMs: number | undefined;
  /** The stall ended the round before its verdicts: its results say nothing about the peers. */
  discarded: boolean;
  results: { target: T; result: PingResult }[];
}

export interface PingRoundRun<T> {
  clock: Clock;
  /** Ending it (the manager stops) aborts every ping in flight. */
  lifetime: Lifetime;
  pings: readonly RoundPing<T>[];
  ping(target: T, signal: AbortSignal): Promise<number>;
  stallMs: number;
  /**
   * Judge the round even when the app stalled: the stall is still measured and reported, but it
   * no longer ends the round. For a caller whose app has stayed late round after round, where
   * discarding every round would leave it blind.
   */
  judgeStalled?: () => boolean;
  /**
   * Told of each miss the moment it is judged, so the caller can drop that peer now rather than
   * when the round's slowest ping settles. Only a timer on time judges a miss, so it stands even
   * when a later stall discards the rest of the round.
   */
  onMiss?: (target: T, timeoutMs: number) => void;
}

/**
 * While pings are in flight the round's judging timer wakes at least this often, so a stall of the
 * app's event loop is seen by a late timer even when no ping is due during it.
 */
const JUDGE_TICK_MS = 100;

interface Entry<T> extends RoundPing<T> {
  readonly dueAt: number;
  readonly controller: AbortController;
  result: PingResult | undefined;
}

/**
 * Pings every target at once and judges them with one timer. The judge refuses to blame a peer
 * for the app's own pause (own stalls are not peer faults):
 * - a judging timer that fired more than `stallMs` past its due time — or an answer read while one
 *   was that overdue — means the app's event loop was blocked (a long task, a debugger, a throttled
 *   or frozen tab): the whole round is discarded (`stalledMs`), answers included, since their round
 *   trips include the pause — unless `judgeStalled()`, asked at that moment, wants a verdict all
 *   the same (so a hint that arrives mid-round counts);
 * - before a ping is called missed, the judge yields once, so an answer that arrived while the
 *   timer was waiting to run is read first.
 *
 * @example
 * const { discarded, results } = await pingRound({ clock, lifetime, pings, ping, stallMs: 250 });
 */
export function pingRound<T>(run: PingRoundRun<T>): Promise<RoundOutcome<T>> {
  const { clock, stallMs } = run;
  const judgeStalled = (): boolean => run.judgeStalled?.() === true;
  const round = createLifetime(run.lifetime);
  const startedAt = clock.now();
  const entries: Entry<T>[] = run.pings.map((ping) => ({
    ...ping,
    dueAt: startedAt + ping.timeoutMs,
    controller: new AbortController(),
    result: undefined,
  }));
  return new Promise((resolve) => {
    let pending = entries.length;
    let judgeDueAt = startedAt;
    let stalledMs: number | undefined;
    let over = false;
    const finish = (discarded: boolean): void => {
      if (over) return;
      over = true;
      round.release();
      resolve({ stalledMs, discarded, results: entries.map(verdictOf) });
    };
    /** Notes how late the judging timer is, when past the threshold; returns whether it was. */
    const stalled = (): boolean => {
      const late = clock.now() - judgeDueAt;
      if (late <= stallMs) return false;
      stalledMs = Math.max(stalledMs ?? 0, late);
      return true;
    };
    const settle = (entry: Entry<T>, result: PingResult): void => {
      if (over || entry.result !== undefined) return;
      entry.result = result;
      if (--pending === 0) finish(stalled() && !judgeStalled());
    };
    const judgeAt = (dueAt: number, judge: () => void): void => {
      judgeDueAt = dueAt;
      after(clock, round, dueAt - clock.now(), () => {
        if (stalled() && !judgeStalled()) finish(true);
        else judge();
      });
    };
    const tick = (): void => {
      const now = clock.now();
      const overdue = entries.filter((entry) => entry.result === undefined && entry.dueAt <= now);
      if (overdue.length === 0) {
        scheduleTick();
        return;
      }
      // Yield once: an answer already waiting behind this timer is read before any verdict.
      judgeAt(now, () => {
        for (const entry of overdue) {
          if (entry.result !== undefined) continue;
          entry.controller.abort(new Error(`no ping answer within ${entry.timeoutMs} ms`));
          settle(entry, { kind: "missed", timeoutMs: entry.timeoutMs });
          tell(run, entry);
        }
        if (!over) scheduleTick();
      });
    };
    const scheduleTick = (): void => {
      let next = clock.now() + JUDGE_TICK_MS;
      for (const entry of entries) if (entry.result === undefined && entry.dueAt < next) next = entry.dueAt;
      judgeAt(next, tick);
    };

    round.onEnd(() => {
      for (const entry of entries) if (entry.result === undefined) entry.controller.abort(new Error("liveness round over"));
      finish(false);
    });
    if (pending === 0) return finish(false);
    for (const entry of entries) start(run, entry, settle);
    if (!over) scheduleTick();
  });
}

/** A ping the round ended before it settled gave no verdict. */
function verdictOf<T>({ target, result }: Entry<T>): { target: T; result: PingResult } {
  return { target, result: result ?? { kind: "failed", error: new Error("round ended") } };
}

/** A caller's throw must not end the judging of the other pings. */
function tell<T>(run: PingRoundRun<T>, entry: Entry<T>): void {
  try {
    run.onMiss?.(entry.target, entry.timeoutMs);
  } catch {
    // the verdict stands; the caller still gets it in the round's results
  }
}

function start<T>(run: PingRoundRun<T>, entry: Entry<T>, settle: (entry: Entry<T>, result: PingResult) => void): void {
  const startedAt = run.clock.now();
  let answer: Promise<number>;
  try {
    answer = run.ping(entry.target, entry.controller.signal);
  } catch (error) {
    settle(entry, { kind: "failed", error });
    return;
  }
  answer.then(
    (measured) => settle(entry, { kind: "answered", rttMs: Number.isFinite(measured) ? measured : run.clock.now() - startedAt }),
    (error: unknown) => settle(entry, { kind: "failed", error }),
  );
}
