/**
 * When to try again during an outage. Pure: the caller owns the clock and the randomness.
 *
 * Two phases. While the outage is young (`fastPhaseMs`), retries stay fast: most outages are a
 * restart or a network switch, and the user is watching. Past it, the delay climbs the slow tiers
 * so a long outage costs little. Within a phase the tier index is the attempt number, capped at
 * the last tier. Jitter only ever shortens a delay (to between `1 - jitter` and 1 times the tier),
 * so a tier is also an upper bound: clients spread out, and none waits longer than promised.
 */
export interface BackoffPolicy {
  /** Delays for attempts 0, 1, 2, … while the outage is younger than `fastPhaseMs`; the last repeats. */
  fastTiersMs: readonly number[];
  /** How long the fast tiers apply, from the start of the outage. */
  fastPhaseMs: number;
  /** Delays once the fast phase is over, indexed from its end; the last repeats. */
  slowTiersMs: readonly number[];
  /** 0..1: a delay is drawn uniformly from [tier × (1 − jitter), tier]. */
  jitter: number;
}

/**
 * @param attempt 0-based attempt number within the outage (reset on success or on a hint)
 * @param outageMs how long the outage has lasted so far
 * @param slowAttempt 0-based attempt number since the slow phase began
 * @param random uniform in [0, 1)
 *
 * @example
 * backoffDelay(DEFAULT_OPTIONS.recovery!.backoff, 1, 0, 0, Math.random); // 175..250 ms
 */
export function backoffDelay(
  policy: BackoffPolicy,
  attempt: number,
  outageMs: number,
  slowAttempt: number,
  random: () => number,
): number {
  const fast = outageMs < policy.fastPhaseMs;
  const tiers = fast ? policy.fastTiersMs : policy.slowTiersMs;
  const index = Math.max(0, fast ? attempt : slowAttempt);
  const tier = tiers.length === 0 ? 0 : (tiers[Math.min(index, tiers.length - 1)] as number);
  if (tier <= 0) return 0;
  const jitter = Math.min(1, Math.max(0, policy.jitter));
  const draw = clampUnit(random());
  return Math.round(tier * (1 - jitter * draw));
}

function clampUnit(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return value >= 1 ? 0.999999 : value;
}
