// A peer's score: 0..100, starting full. A failure costs more than a success earns, so a flaky
// peer drifts down; below the policy's threshold (default 50, three failures) it is replaced.

export const INITIAL_SCORE = 100;
export const MIN_SCORE = 0;
export const MAX_SCORE = 100;
/** One counted protocol failure (a rejected light push, a failed filter ping, a store error, a missed liveness ping). */
export const FAILURE_PENALTY = 20;
/** A missed filter canary is stronger evidence than one failed request: two misses replace a peer. */
export const CANARY_MISS_PENALTY = 30;
/**
 * A peer-exchange answer with more records than asked for is no accident (nwaku answers at most
 * what was asked): one such answer takes a peer below the default threshold, so it is replaced.
 */
export const FLOOD_PENALTY = 60;
export const SUCCESS_REWARD = 5;
/** The score a peer gets back when its quarantine ends: on probation, two failures replace it again. */
export const PROBATION_SCORE = 70;

export function scoreAfterFailure(score: number, penalty: number = FAILURE_PENALTY): number {
  return clampScore(score - penalty);
}

export function scoreAfterSuccess(score: number): number {
  return clampScore(score + SUCCESS_REWARD);
}

export function clampScore(score: number): number {
  return Math.min(MAX_SCORE, Math.max(MIN_SCORE, score));
}
