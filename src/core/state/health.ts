import { PROTOCOL_NAMES } from "../peers/codecs.js";
import type { HealthState, OverallHealth, ProtocolHealth, ProtocolName, Requirements } from "../types.js";

/** Connected peers per protocol, plus connected peers that serve any Waku protocol at all. */
export interface PeerCounts extends Readonly<Record<ProtocolName, number>> {
  readonly servicePeers: number;
}

export const NO_PEERS: PeerCounts = Object.freeze({
  lightPush: 0,
  filter: 0,
  store: 0,
  peerExchange: 0,
  servicePeers: 0,
});

/**
 * Health from peer counts. Unlike the SDK's `waku:health` it classifies every mix of counts
 * (1 filter + 2 light push is `degraded`, not "keep the old value") and it counts store.
 *
 * - `healthy`: every requirement met, with at least one service peer (requiring nothing still
 *   needs someone to talk to);
 * - `unhealthy`: no service peer at all;
 * - `degraded`: anything in between.
 *
 * Pass the previous value to keep object identity where nothing changed: selectors over
 * `health` or `health.filter` then do not re-render.
 *
 * @example
 * computeHealth({ ...NO_PEERS, lightPush: 2, filter: 1, store: 1, servicePeers: 2 }, DEFAULT_REQUIREMENTS).overall; // "degraded"
 */
export function computeHealth(counts: PeerCounts, requirements: Readonly<Requirements>, previous?: HealthState): HealthState {
  let changed = previous === undefined;
  let allOk = true;
  const next = {} as Record<ProtocolName, ProtocolHealth>;
  for (const name of PROTOCOL_NAMES) {
    const protocol = protocolHealth(counts[name], requirements[name], previous?.[name]);
    if (protocol !== previous?.[name]) changed = true;
    if (!protocol.ok) allOk = false;
    next[name] = protocol;
  }
  const overall = overallHealth(counts.servicePeers, allOk);
  if (!changed && overall === previous?.overall) return previous;
  return { ...next, overall };
}

function overallHealth(servicePeers: number, allRequirementsMet: boolean): OverallHealth {
  if (servicePeers === 0) return "unhealthy";
  return allRequirementsMet ? "healthy" : "degraded";
}

function protocolHealth(connected: number, required: number, previous: ProtocolHealth | undefined): ProtocolHealth {
  if (previous?.connected === connected && previous.required === required) return previous;
  return { connected, required, ok: connected >= required };
}
