import { FAILURE_PENALTY, MAX_SCORE, MIN_SCORE, SUCCESS_REWARD } from "./constants.js";

/**
 * Deliberately simple for now: a failure costs more than a success earns, so a flaky peer drifts
 * down. Peer replacement below a threshold builds on this.
 */
export function scoreAfterFailure(score: number): number {
  return clampScore(score - FAILURE_PENALTY);
}

export function scoreAfterSuccess(score: number): number {
  return clampScore(score + SUCCESS_REWARD);
}

export function clampScore(score: number): number {
  return Math.min(MAX_SCORE, Math.max(MIN_SCORE, score));
}
