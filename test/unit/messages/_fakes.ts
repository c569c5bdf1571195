// Fakes at the SDK boundary for the message layer: a node whose filter, store and light push are
// scripted in memory, and a peer manager whose public state the test sets directly.
import { createDecoder, createEncoder } from "@waku/core";
import type { IDecodedMessage, IDecoder, IEncoder, IMessage } from "@waku/interfaces";
import { createStore } from "zustand/vanilla";

import { DEFAULT_REQUIREMENTS, type PeerInfo, type PeerManager, type WakuPeersState } from "../../../src/core/index.js";
import { createInitialState } from "../../../src/core/internal.js";
import type { MessageNode } from "../../../src/core/index.js";

export const PUBSUB_TOPIC = "/waku/2/rs/42/0";
const ROUTING = { pubsubTopic: PUBSUB_TOPIC, clusterId: 42, shardId: 0 } as never;

export function peer(id: string, protocols: PeerInfo["protocols"], connectedSince = 1): PeerInfo {
  return {
    id,
    protocols,
    tags: [],
    address: undefined,
    connected: true,
    connectedSince,
    rttMs: undefined,
    score: 100,
    lastFailure: undefined,
  };
}

export interface FakeManager extends PeerManager {
  set(patch: Partial<WakuPeersState>): void;
  readonly failures: string[];
  readonly successes: string[];
}

export function fakeManager(initial: Partial<WakuPeersState> = {}): FakeManager {
  const store = createStore<WakuPeersState>()(() => ({ ...createInitialState({ ...DEFAULT_REQUIREMENTS }), ...initial }));
  const failures: string[] = [];
  const successes: string[] = [];
  return {
    store,
    failures,
    successes,
    set: (patch) => store.setState(patch),
    reconnect: async () => ({ ok: true, status: "connected", durationMs: 0, dialed: 0 }),
    reportFailure: (peerId, protocol, reason) => void failures.push(`${peerId} ${protocol} ${reason ?? ""}`),
    reportSuccess: (peerId) => void successes.push(peerId),
    onLostConnection: () => () => {},
    simulateOffline: (offline) => store.setState({ online: !offline }),
    stop: () => {},
  };
}

/** Connected everywhere: filter, store and light push peers A and B. */
export function connectedState(
  peers: Record<string, PeerInfo> = {
    A: peer("A", ["lightPush", "filter", "store"]),
    B: peer("B", ["lightPush", "filter", "store"]),
  },
): Partial<WakuPeersState> {
  const counts = (name: PeerInfo["protocols"][number]) =>
    Object.values(peers).filter((p) => p.connected && p.protocols.includes(name)).length;
  const health = createInitialState({ ...DEFAULT_REQUIREMENTS }).health;
  return {
    status: "connected",
    online: true,
    firstConnectedAt: 1,
    peers,
    health: {
      ...health,
      lightPush: { connected: counts("lightPush"), required: 2, ok: true },
      filter: { connected: counts("filter"), required: 2, ok: true },
      store: { connected: counts("store"), required: 1, ok: true },
      overall: "healthy",
    },
  };
}

interface StoredMessage {
  payload: Uint8Array;
  timestamp: number;
}

export interface FakeNode extends MessageNode {
  /** Push a message through filter to every subscriber. */
  pushFilter(text: string, timestamp: number): Promise<void>;
  /** Messages the fake store holds (every store peer holds the same, unless `storeFails`). */
  stored: StoredMessage[];
  storeQueries: { peerId: string; from: number; to: number }[];
  storeFails: Set<string>;
  /** What one store peer holds; default: `stored`. */
  storeOf: (peerId: string) => StoredMessage[];
  /** Light push: what each peer answers (default success). */
  pushAnswer: (peerId: string) => "ok" | string;
  pushes: { peerId: string; bytes: Uint8Array }[];
  subscribers: number;
}

export function fakeNode(connectedPeerIds: () => string[] = () => ["A", "B"]): FakeNode {
  const callbacks = new Set<(message: IDecodedMessage) => void>();
  const decoderOf = (contentTopic: string) => createDecoder(contentTopic, ROUTING);
  const toDecoded = async (decoder: IDecoder<IDecodedMessage>, text: string | Uint8Array, timestamp: number) => {
    const encoder = createEncoder({ contentTopic: decoder.contentTopic, routingInfo: ROUTING });
    const proto = await encoder.toProtoObj({
      payload: typeof text === "string" ? new TextEncoder().encode(text) : text,
      timestamp: new Date(timestamp),
    });
    return (await decoder.fromProtoObj(PUBSUB_TOPIC, proto!))!;
  };
  const stored: StoredMessage[] = [];
  const node = {
    stored,
    storeQueries: [] as { peerId: string; from: number; to: number }[],
    storeFails: new Set<string>(),
    storeOf: ((): StoredMessage[] => stored) as (peerId: string) => StoredMessage[],
    pushAnswer: (() => "ok") as (peerId: string) => "ok" | string,
    pushes: [] as { peerId: string; bytes: Uint8Array }[],
    get subscribers() {
      return callbacks.size;
    },
    libp2p: {
      getConnections: () => connectedPeerIds().map((id) => ({ remotePeer: { toString: () => id }, status: "open" })),
    },
    createDecoder: ({ contentTopic }: { contentTopic: string }) => decoderOf(contentTopic),
    createEncoder: ({ contentTopic }: { contentTopic: string }) => createEncoder({ contentTopic, routingInfo: ROUTING }),
    filter: {
      subscribe: async (_decoder: unknown, callback: (message: IDecodedMessage) => void) => {
        callbacks.add(callback);
        return true;
      },
      unsubscribe: async () => {
        callbacks.clear();
        return true;
      },
    },
    store: {
      async *queryGenerator(
        decoders: IDecoder<IDecodedMessage>[],
        options: { timeStart?: Date; timeEnd?: Date; peerId?: { toString(): string }; messageHashes?: Uint8Array[] },
      ) {
        const peerId = String(options.peerId);
        const from = options.timeStart?.getTime() ?? 0;
        const to = options.timeEnd?.getTime() ?? Number.MAX_SAFE_INTEGER;
        node.storeQueries.push({ peerId, from, to });
        if (node.storeFails.has(peerId)) throw new Error("Store query failed with status code: 500");
        const decoder = decoders[0]!;
        const inRange = (node.storeOf(peerId) as StoredMessage[])
          .filter((message) => message.timestamp >= from && message.timestamp < to)
          .sort((a, b) => a.timestamp - b.timestamp);
        const decoded = await Promise.all(inRange.map((message) => toDecoded(decoder, message.payload, message.timestamp)));
        for (let index = 0; index < decoded.length; index += 100)
          yield decoded.slice(index, index + 100).map((message) => Promise.resolve(message));
      },
    },
    lightPush: {
      protocol: {
        send: async (_encoder: IEncoder, message: IMessage, peerId: { toString(): string }) => {
          const id = String(peerId);
          const proto = await _encoder.toProtoObj(message);
          node.pushes.push({ peerId: id, bytes: (await _encoder.toWire(message)) as Uint8Array });
          void proto;
          const answer = node.pushAnswer(id);
          return answer === "ok" ? { success: peerId, failure: null } : { success: null, failure: { error: answer, peerId } };
        },
      },
      send: async () => ({ successes: [], failures: [{ error: "No peer available" }] }),
    },
    async pushFilter(text: string, timestamp: number) {
      const message = await toDecoded(decoderOf("/test/1/chat/proto"), text, timestamp);
      for (const callback of [...callbacks]) callback(message);
    },
  };
  return node as unknown as FakeNode;
}

export const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function until(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await tick(5);
  }
}
