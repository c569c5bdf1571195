import { PROTOCOL_NAMES, protocolBit } from "../peers/codecs.js";
import type { HealthState, Requirements } from "../types.js";
import type { BackoffPolicy } from "./backoff.js";
import { backoffDelay } from "./backoff.js";

// The redundancy target above the requirements, and each missing peer's own re-dial cadence, as
// pure functions (table-tested; top-up.ts carries them out).

/**
 * Peers wanted per protocol: every non-zero requirement plus `extraPeers`; a protocol nobody
 * requires (peer exchange by default) wants none.
 *
 * @example
 * redundancyTarget({ lightPush: 2, filter: 2, store: 1, peerExchange: 0 }, 1);
 * // { lightPush: 3, filter: 3, store: 2, peerExchange: 0 }
 */
export function redundancyTarget(requirements: Readonly<Requirements>, extraPeers: number): Readonly<Requirements> {
  const target = { ...requirements };
  for (const name of PROTOCOL_NAMES) if (target[name] > 0) target[name] += extraPeers;
  return Object.freeze(target);
}

/**
 * The protocols (as a codecs.ts bit mask) with fewer connected peers than the target; 0 when the
 * target is met.
 *
 * @example
 * if (missingProtocols(state.health, target) === 0) return; // nothing to top up
 */
export function missingProtocols(health: HealthState, target: Readonly<Requirements>): number {
  let mask = 0;
  for (const name of PROTOCOL_NAMES) if (health[name].connected < target[name]) mask |= protocolBit(name);
  return mask;
}

/**
 * The most peers any one protocol is short of its target: dialing more at once would overshoot.
 *
 * @example
 * peersShort(state.health, target); // 1 after one of three full peers was lost
 */
export function peersShort(health: HealthState, target: Readonly<Requirements>): number {
  let short = 0;
  for (const name of PROTOCOL_NAMES) short = Math.max(short, target[name] - health[name].connected);
  return short;
}

/** One missing peer's re-dial schedule. */
export interface RedialSchedule {
  /** Epoch ms the top-up first found it missing. */
  readonly missingSince: number;
  /** Re-dials so far (whatever their outcome: a peer that drops us at once must not be re-dialed at once). */
  readonly attempts: number;
  /** Re-dials since the slow phase began. */
  readonly slowAttempts: number;
  /** Epoch ms the next re-dial is due. */
  readonly dueAt: number;
}

/**
 * The schedule after a re-dial at `now`: the next one after the policy's delay for this attempt,
 * counted from when the peer went missing (fast for the first `fastPhaseMs`, then the slow tiers).
 *
 * @example
 * let schedule = afterRedial(undefined, Date.now(), policy, Math.random); // due again in about a second
 */
export function afterRedial(
  schedule: RedialSchedule | undefined,
  now: number,
  policy: BackoffPolicy,
  random: () => number,
): RedialSchedule {
  const missingSince = schedule?.missingSince ?? now;
  const attempts = schedule?.attempts ?? 0;
  const slowAttempts = schedule?.slowAttempts ?? 0;
  const missingMs = now - missingSince;
  const delayMs = backoffDelay(policy, attempts, missingMs, slowAttempts, random);
  const slow = missingMs >= policy.fastPhaseMs;
  return { missingSince, attempts: attempts + 1, slowAttempts: slow ? slowAttempts + 1 : slowAttempts, dueAt: now + delayMs };
}
