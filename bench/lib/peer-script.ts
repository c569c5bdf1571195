/**
 * A deterministic, realistic stream of peer events for the fake node (test/unit/core/_fake-node.ts),
 * shared by the render and event-cost benchmarks so both run the very same traffic.
 *
 * The mix is what a light node sees: service peers connecting and dropping (these move the
 * counts and sometimes the status), peers serving no Waku protocol coming and going, identify
 * pushes, peer store writes for connected peers (ping/rtt metadata) and for peers discovered but
 * never connected (peer exchange). Service peers carry the `peer-exchange` tag, never `bootstrap`,
 * so the bootstrap policy never hangs one up in the middle of a step.
 */
import type { PeerTag } from "../../src/core/index.js";
import { createFakeNode, type FakeNode, type FakeProtocol } from "../../test/unit/core/_fake-node.js";

export type PeerAction =
  | { kind: "connect"; id: string; protocols: readonly FakeProtocol[]; tags: readonly PeerTag[] }
  | { kind: "disconnect"; id: string }
  | { kind: "identify"; id: string }
  | { kind: "update"; id: string }
  | { kind: "discover"; id: string };

interface ScriptPeer {
  id: string;
  protocols: readonly FakeProtocol[];
}

const SERVICE_PEERS: readonly ScriptPeer[] = [
  { id: "svc-1", protocols: ["lightPush", "filter", "store", "peerExchange"] },
  { id: "svc-2", protocols: ["lightPush", "filter", "store", "peerExchange"] },
  { id: "svc-3", protocols: ["lightPush", "filter"] },
  { id: "svc-4", protocols: ["lightPush", "filter", "store"] },
  { id: "svc-5", protocols: ["store", "peerExchange"] },
  { id: "svc-6", protocols: ["lightPushV2", "filter"] },
];
const OTHER_PEERS: readonly ScriptPeer[] = Array.from({ length: 10 }, (_, index) => ({
  id: `other-${index + 1}`,
  protocols: [],
}));

/** mulberry32: tiny, seedable, good enough to shuffle a benchmark. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** `count` actions; the same seed gives the same actions. */
export function peerScript(count: number, seed = 914): PeerAction[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const connected = new Set<string>();
  const actions: PeerAction[] = [];
  let discovered = 0;
  while (actions.length < count) {
    const roll = next();
    const services = SERVICE_PEERS.filter((peer) => connected.has(peer.id));
    const idleServices = SERVICE_PEERS.filter((peer) => !connected.has(peer.id));
    const others = OTHER_PEERS.filter((peer) => connected.has(peer.id));
    const idleOthers = OTHER_PEERS.filter((peer) => !connected.has(peer.id));
    const anyConnected = [...services, ...others];
    let action: PeerAction | undefined;
    if (roll < 0.14 && idleServices.length > 0) {
      const peer = pick(idleServices);
      action = { kind: "connect", id: peer.id, protocols: peer.protocols, tags: ["peer-exchange"] };
    } else if (roll < 0.24 && services.length > 0) {
      action = { kind: "disconnect", id: pick(services).id };
    } else if (roll < 0.38 && idleOthers.length > 0) {
      action = { kind: "connect", id: pick(idleOthers).id, protocols: [], tags: ["peer-exchange"] };
    } else if (roll < 0.5 && others.length > 0) {
      action = { kind: "disconnect", id: pick(others).id };
    } else if (roll < 0.62 && anyConnected.length > 0) {
      action = { kind: "identify", id: pick(anyConnected).id };
    } else if (roll < 0.88 && anyConnected.length > 0) {
      action = { kind: "update", id: pick(anyConnected).id };
    } else {
      action = { kind: "discover", id: `discovered-${++discovered}` };
    }
    if (action.kind === "connect") connected.add(action.id);
    if (action.kind === "disconnect") connected.delete(action.id);
    actions.push(action);
  }
  return actions;
}

/**
 * Plays one action on the fake node. Idempotent where the manager may have acted first (a peer it
 * hung up is not disconnected twice; a peer it no longer has is not re-identified).
 */
export function applyAction(fake: FakeNode, action: PeerAction): void {
  const isConnected = fake.libp2p.getConnections().some((connection) => connection.remotePeer.toString() === action.id);
  switch (action.kind) {
    case "connect":
      if (!isConnected) fake.connectPeer(action.id, { protocols: action.protocols, tags: action.tags, rttMs: 20 });
      break;
    case "disconnect":
      fake.disconnectPeer(action.id);
      break;
    case "identify":
      if (isConnected) fake.identifyPeer(action.id);
      break;
    case "update":
      if (isConnected) fake.updatePeer(action.id, {});
      break;
    case "discover":
      fake.updatePeer(action.id, { tags: ["peer-exchange"] });
      break;
  }
}

/** A fake node whose libp2p events are counted (one per dispatched event, whoever listens). */
export function countingFakeNode(): { fake: FakeNode; events(): number } {
  const fake = createFakeNode();
  let events = 0;
  const emit = fake.libp2p.emit.bind(fake.libp2p);
  fake.libp2p.emit = ((type, detail) => {
    events += 1;
    emit(type, detail);
  }) as typeof fake.libp2p.emit;
  return { fake, events: () => events };
}
