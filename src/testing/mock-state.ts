// Coherent pieces of state for the mock peer manager: peers with every field filled, and health
// computed by the core's own rule (so a mock's traffic light is the one the real manager shows).
import { PROTOCOL_NAMES } from "../core/peers/codecs.js";
import { computeHealth, NO_PEERS, type PeerCounts } from "../core/state/health.js";
import type { HealthState, PeerInfo, ProtocolName, Requirements, WakuPeersState } from "../core/types.js";

/** A peer for the mock: only `id` is needed; it serves light push, filter and store unless told otherwise. */
export interface MockPeerInput extends Partial<Omit<PeerInfo, "id">> {
  id: string;
}

/** Connected peers per protocol, for `setHealth`: `{ lightPush: 1 }` leaves the other counts as they are. */
export type MockHealthCounts = Partial<Record<ProtocolName, number>>;

const SERVICE_PROTOCOLS: readonly ProtocolName[] = Object.freeze(["lightPush", "filter", "store"]);

/** Every field of a peer, from what the test gave. Connected since `now` unless said otherwise. */
export function mockPeer(input: MockPeerInput, now: number): PeerInfo {
  const connected = input.connected ?? true;
  return Object.freeze({
    protocols: [...SERVICE_PROTOCOLS],
    tags: [],
    address: connected ? `/ip4/127.0.0.1/tcp/60000/ws/p2p/${input.id}` : undefined,
    connectedSince: connected ? now : undefined,
    rttMs: undefined,
    score: 100,
    lastFailure: undefined,
    ...input,
    connected,
  });
}

/** Health from the connected peers, as the real manager counts them (unique peers × protocols). */
export function healthOfPeers(
  peers: WakuPeersState["peers"],
  requirements: Readonly<Requirements>,
  previous?: HealthState,
): HealthState {
  const counts = { ...NO_PEERS } as Record<keyof PeerCounts, number>;
  for (const peer of Object.values(peers)) {
    if (!peer.connected) continue;
    for (const protocol of peer.protocols) counts[protocol]++;
    if (peer.protocols.length > 0) counts.servicePeers++;
  }
  return computeHealth(counts, requirements, previous);
}

/** Health with these counts (the others kept from `previous`). */
export function healthOfCounts(
  counts: MockHealthCounts,
  requirements: Readonly<Requirements>,
  previous: HealthState,
): HealthState {
  const merged = { ...NO_PEERS } as Record<keyof PeerCounts, number>;
  for (const protocol of PROTOCOL_NAMES) merged[protocol] = Math.max(0, counts[protocol] ?? previous[protocol].connected);
  // One peer can serve every protocol: the busiest protocol's count is a fair number of service peers.
  merged.servicePeers = Math.max(...PROTOCOL_NAMES.map((protocol) => merged[protocol]));
  return computeHealth(merged, requirements, previous);
}

/**
 * Just enough peers to meet the requirements (at least one), each serving light push, filter and
 * store (and peer exchange when it is required): what a mock that is simply "connected" holds.
 */
export function peersMeeting(requirements: Readonly<Requirements>, now: number): Record<string, PeerInfo> {
  const count = Math.max(1, ...PROTOCOL_NAMES.map((protocol) => requirements[protocol]));
  const protocols: ProtocolName[] =
    requirements.peerExchange > 0 ? [...SERVICE_PROTOCOLS, "peerExchange"] : [...SERVICE_PROTOCOLS];
  const peers: Record<string, PeerInfo> = {};
  for (let index = 1; index <= count; index++)
    peers[`mock-peer-${index}`] = mockPeer({ id: `mock-peer-${index}`, protocols }, now);
  return peers;
}
