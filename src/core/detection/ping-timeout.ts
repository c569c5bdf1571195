// How long one peer may take to answer a liveness ping, from its own recent round trips. Pure:
// the liveness loop owns the samples and the clock.

/** The round trips a timeout is built on: the newest 32 (about 24 s of pings at the default interval). */
export const ROUND_TRIP_WINDOW = 32;
/** Fewer answers than this say too little about a peer: its timeout is the ceiling until then. */
export const MIN_ROUND_TRIPS = 2;

export interface PingTimeoutPolicy {
  /** The ceiling, and the timeout while fewer than {@link MIN_ROUND_TRIPS} round trips are known. */
  timeoutMs: number;
  minTimeoutMs: number;
  /** 0.5..1: nearest-rank percentile of the window. */
  rttPercentile: number;
  rttFactor: number;
}

/**
 * The timeout for the next ping of a peer whose latest round trips (oldest first) are `samples`:
 * the `rttPercentile` round trip times `rttFactor`, no less than `minTimeoutMs` and no more than
 * `timeoutMs` (which wins when the two cross). A high percentile rather than a mean, because a
 * false drop costs far more than a late one: on a link with jitter the mean sits well below the
 * answers that matter; not the maximum, because one answer held up by a busy moment (a fresh
 * connection, a loaded machine) would otherwise set the timeout for the next 32 pings.
 *
 * @example
 * pingTimeout([310, 420, 350, 390], { timeoutMs: 5_000, minTimeoutMs: 400, rttPercentile: 0.99, rttFactor: 3 }); // 1260
 * pingTimeout([2, 3, 2], { timeoutMs: 5_000, minTimeoutMs: 400, rttPercentile: 0.99, rttFactor: 3 }); // 400
 */
export function pingTimeout(samples: readonly number[], policy: PingTimeoutPolicy): number {
  if (samples.length < MIN_ROUND_TRIPS) return policy.timeoutMs;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(policy.rttPercentile * sorted.length)));
  const timeout = Math.max(policy.minTimeoutMs, Math.round((sorted[rank - 1] as number) * policy.rttFactor));
  return Math.min(policy.timeoutMs, timeout);
}

/**
 * Adds a round trip to a peer's window (in place), dropping the oldest beyond {@link ROUND_TRIP_WINDOW}.
 *
 * @example
 * const window: number[] = [];
 * addRoundTrip(window, 12);
 */
export function addRoundTrip(window: number[], rttMs: number): void {
  if (!Number.isFinite(rttMs) || rttMs < 0) return;
  window.push(rttMs);
  if (window.length > ROUND_TRIP_WINDOW) window.shift();
}
