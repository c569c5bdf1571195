import type { DialCandidate } from "../discovery/candidate-index.js";
import type { Lifetime } from "../lifetime/lifetime.js";
import type { ParsedRedundancy } from "../options/parse-options.js";
import { isStillClosing } from "../peers/connections.js";
import { isServiceRecord } from "../peers/peer-table.js";
import type { Runtime } from "../runtime.js";
import type { Requirements } from "../types.js";
import type { DialPool } from "./dial-pool.js";
import type { RedialSchedule } from "./redundancy.js";
import { afterRedial, missingProtocols, peersShort, redundancyTarget } from "./redundancy.js";

/**
 * A connection must last this long before its peer's re-dial schedule is forgotten: a peer that
 * drops us right after every dial (a stricter stream limit, a `dropConnection` node) keeps its
 * slowing cadence instead of being re-dialed at once after each drop.
 */
const STABLE_CONNECTION_MS = 10_000;
/**
 * libp2p keeps a connection that is closing for up to 0.5 s, and a dial meanwhile returns it: a
 * peer in that state is looked at again this soon instead of being dialed.
 */
const CLOSING_RECHECK_MS = 250;
/** Never two rounds closer than this, whatever the schedules say. */
const MIN_ROUND_GAP_MS = 50;

export interface TopUp {
  /** The redundancy target is met (the requirements plus the extra peers). */
  targetMet(): boolean;
  /**
   * Dials the missing service peers that are due, at most `maxDialsPerRound` at once; resolves
   * with the ms until the next one is due. Rejects only when the candidates cannot be listed.
   */
  round(lifetime: Lifetime): Promise<number>;
}

/**
 * The redundancy above the requirements (see `redundancy.ts`): every known healthy service peer,
 * up to the target per protocol. Candidates come from the dial pool in the peer policy's order
 * (blocked and low-scored peers are never among them); a peer known to serve none of the
 * protocols still short is skipped, and so is a bootstrap peer once the policy's bootstrap
 * quota is used. Each missing peer is re-dialed on its own slowing cadence.
 */
export function createTopUp(runtime: Runtime, pool: DialPool, options: ParsedRedundancy): TopUp {
  const target = redundancyTarget(runtime.options.requirements, options.extraPeers);
  const schedules = new Map<string, RedialSchedule>();
  runtime.lifetime.onEnd(() => schedules.clear());
  const targetMet = (): boolean => missingProtocols(runtime.store.getState().health, target) === 0;

  return {
    targetMet,
    async round(lifetime) {
      const candidates = await pool.candidates();
      const now = runtime.clock.now();
      forgetSettled(runtime, schedules, candidates, now);
      const { wanted, closing } = wantedCandidates(runtime, candidates, target);
      const dueAt = (candidate: DialCandidate): number => firstDueAt(schedules, candidate, options, now);
      const room = Math.min(options.maxDialsPerRound, peersShort(runtime.store.getState().health, target));
      const due = wanted.filter((candidate) => dueAt(candidate) <= now).slice(0, room);
      for (const candidate of due)
        schedules.set(candidate.id, afterRedial(schedules.get(candidate.id), now, options.backoff, runtime.random));
      await pool.run(due, { concurrency: room, lifetime, enough: targetMet });
      return nextDueInMs(runtime, wanted.map(dueAt), closing, options);
    },
  };
}

/** Forgets the schedules of peers no longer candidates, and of peers connected long enough to count as back for good. */
function forgetSettled(
  runtime: Runtime,
  schedules: Map<string, RedialSchedule>,
  candidates: readonly DialCandidate[],
  now: number,
): void {
  const known = new Map(candidates.map((candidate) => [candidate.id, candidate]));
  for (const id of schedules.keys()) {
    const candidate = known.get(id);
    const since = runtime.table.get(id)?.info?.connectedSince;
    if (candidate === undefined || (candidate.connected && since !== undefined && now - since >= STABLE_CONNECTION_MS))
      schedules.delete(id);
  }
}

/** The candidates worth a top-up dial, and whether some were skipped because their old connection is still closing. */
function wantedCandidates(
  runtime: Runtime,
  candidates: readonly DialCandidate[],
  target: Readonly<Requirements>,
): { wanted: DialCandidate[]; closing: boolean } {
  const missing = missingProtocols(runtime.store.getState().health, target);
  let bootstrapRoom = runtime.options.peerPolicy.maxBootstrapServicePeers - connectedBootstrapServicePeers(runtime);
  let closing = false;
  const wanted: DialCandidate[] = [];
  for (const candidate of candidates) {
    if (candidate.connected) continue;
    const record = runtime.table.get(candidate.id);
    if (record?.protocolsKnown && (record.protocolMask & missing) === 0) continue;
    if (isStillClosing(runtime, candidate.id)) {
      closing = true;
      continue;
    }
    if (candidate.bootstrap && bootstrapRoom-- <= 0) continue;
    wanted.push(candidate);
  }
  return { wanted, closing };
}

function connectedBootstrapServicePeers(runtime: Runtime): number {
  let count = 0;
  for (const record of runtime.table.connectedRecords()) if (isServiceRecord(record) && runtime.isBootstrap(record)) count++;
  return count;
}

/**
 * When a wanted peer is due: its own schedule, or — the first time the top-up sees it missing — one
 * fast tier after its last failed dial (the outage's last tick just tried it), else now.
 */
function firstDueAt(
  schedules: Map<string, RedialSchedule>,
  candidate: DialCandidate,
  options: ParsedRedundancy,
  now: number,
): number {
  const scheduled = schedules.get(candidate.id)?.dueAt;
  if (scheduled !== undefined) return scheduled;
  return candidate.lastDialFailureAt === undefined ? now : candidate.lastDialFailureAt + (options.backoff.fastTiersMs[0] ?? 0);
}

/**
 * Until the next wanted peer is due; with none wanted, the first slow tier (new candidates may
 * appear meanwhile without changing any count; listing them is cheap, no dial is made).
 */
function nextDueInMs(runtime: Runtime, dueTimes: readonly number[], closing: boolean, options: ParsedRedundancy): number {
  const now = runtime.clock.now();
  let next = closing ? now + CLOSING_RECHECK_MS : Number.POSITIVE_INFINITY;
  for (const dueAt of dueTimes) next = Math.min(next, dueAt);
  if (next === Number.POSITIVE_INFINITY) return options.backoff.slowTiersMs[0] ?? options.backoff.fastPhaseMs;
  return Math.max(MIN_ROUND_GAP_MS, next - now);
}
