import { FAILURE_PENALTY, MAX_SCORE, MIN_SCORE, SUCCESS_REWARD } from "./constants.js";

/**
 * A failure costs more than a success earns, so a flaky peer drifts down; below the policy's
 * threshold it is replaced (see `peer-policy.ts`). Stronger evidence may cost more (`penalty`).
 */
export function scoreAfterFailure(score: number, penalty: number = FAILURE_PENALTY): number {
  return clampScore(score - penalty);
}

export function scoreAfterSuccess(score: number): number {
  return clampScore(score + SUCCESS_REWARD);
}

export function clampScore(score: number): number {
  return Math.min(MAX_SCORE, Math.max(MIN_SCORE, score));
}

export function isBelowThreshold(score: number, threshold: number): boolean {
  return score < threshold;
}
