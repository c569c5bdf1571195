import type { DialCandidate } from "../discovery/candidate-index.js";
import { hasProtocol, PROTOCOL_NAMES } from "../peers/codecs.js";
import type { ProtocolName, Requirements } from "../types.js";

// js-waku issue 914's peer policy, as pure functions (table-tested; the manager enforces them).

/** Candidates whose last dial failed this recently go to the end of their class. */
const RECENT_DIAL_FAILURE_MS = 10_000;

export interface OrderOptions {
  /** Requirements never met yet: remembered (cached) peers come first. */
  startup: boolean;
  /** Replaced or parked peers. */
  isBlocked(id: string): boolean;
  /** Candidates scored below this are skipped. */
  replaceBelowScore: number;
  random: () => number;
  now: number;
}

/**
 * Dial order. Blocked and low-scored peers are left out. Then, in classes:
 * 1. at startup only, peers from the peer cache (they served us last time);
 * 2. non-bootstrap peers we are not connected to;
 * 3. bootstrap peers we are not connected to (they are for getting in, not for serving);
 * 4. connected peers (dialing them only returns their connection; a manual reconnect still lists them).
 * Each class is shuffled, so every client does not pick the same node, and within a class the
 * peers whose last dial failed recently go last (a failed dial moves on to the next candidate),
 * with the contested ones (discovered on an address other identities claimed too: a flood).
 *
 * @example
 * const order = orderDialCandidates(candidates, {
 *   startup: false,
 *   isBlocked: () => false,
 *   replaceBelowScore: 50,
 *   random: Math.random,
 *   now: Date.now(),
 * });
 */
export function orderDialCandidates(candidates: readonly DialCandidate[], options: OrderOptions): DialCandidate[] {
  const classes: DialCandidate[][] = [[], [], [], []];
  for (const candidate of candidates) {
    if (options.isBlocked(candidate.id) || candidate.score < options.replaceBelowScore) continue;
    const index = candidate.connected ? 3 : options.startup && candidate.cached ? 0 : candidate.bootstrap ? 2 : 1;
    (classes[index] as DialCandidate[]).push(candidate);
  }
  const recentlyFailed = (candidate: DialCandidate): boolean =>
    candidate.lastDialFailureAt !== undefined && options.now - candidate.lastDialFailureAt < RECENT_DIAL_FAILURE_MS;
  const last = (candidate: DialCandidate): boolean => recentlyFailed(candidate) || candidate.contested === true;
  return classes.flatMap((group) => {
    const shuffled = shuffle(group, options.random);
    return [...shuffled.filter((candidate) => !last(candidate)), ...shuffled.filter(last)];
  });
}

/**
 * Fisher–Yates with an injectable source, so tests can fix the order.
 *
 * @example
 * shuffle(["a", "b", "c"], Math.random);
 */
export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const draw = random();
    const j = Math.min(i, Math.max(0, Math.floor((Number.isFinite(draw) ? draw : 0) * (i + 1))));
    [result[i], result[j]] = [result[j] as T, result[i] as T];
  }
  return result;
}

export interface ServicePeer {
  id: string;
  /** Named protocols as a bit mask (codecs.ts). */
  protocolMask: number;
  bootstrap: boolean;
  score: number;
  connectedSince: number | undefined;
}

export interface BootstrapPlan {
  /** The non-bootstrap service peers alone meet every requirement. */
  othersSuffice: boolean;
  /** Bootstrap peers to hang up (empty unless `othersSuffice`). */
  surplus: string[];
}

/**
 * At most `maxBootstrap` bootstrap peers among the connected service peers, once the others meet
 * the requirements on their own. The bootstrap peers kept are the longest connected (a stable
 * choice: no reshuffling on every commit), then the best scored.
 *
 * @example
 * const { othersSuffice, surplus } = planBootstrapLimit(servicePeers, DEFAULT_REQUIREMENTS, 1);
 */
export function planBootstrapLimit(
  peers: readonly ServicePeer[],
  requirements: Readonly<Requirements>,
  maxBootstrap: number,
): BootstrapPlan {
  const others = peers.filter((peer) => !peer.bootstrap);
  const othersSuffice = others.length > 0 && meetsRequirements(others, requirements);
  const bootstrap = peers.filter((peer) => peer.bootstrap);
  if (!othersSuffice || bootstrap.length <= maxBootstrap) return { othersSuffice, surplus: [] };
  const kept = [...bootstrap].sort(
    (a, b) => (a.connectedSince ?? Infinity) - (b.connectedSince ?? Infinity) || b.score - a.score || (a.id < b.id ? -1 : 1),
  );
  return { othersSuffice, surplus: kept.slice(maxBootstrap).map((peer) => peer.id) };
}

export function meetsRequirements(peers: readonly ServicePeer[], requirements: Readonly<Requirements>): boolean {
  return PROTOCOL_NAMES.every(
    (name: ProtocolName) => peers.filter((peer) => hasProtocol(peer.protocolMask, name)).length >= requirements[name],
  );
}
