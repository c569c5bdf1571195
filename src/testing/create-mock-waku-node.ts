import { createDecoder, createEncoder } from "@waku/core";
import type { IDecodedMessage, IDecoder, IEncoder, IMessage, IProtoMessage, IRoutingInfo } from "@waku/sdk";

import type { MessageNode } from "../messages/index.js";
import { hashOf } from "../messages/sdk-adapter.js";
import type { MockPeerManager } from "./create-mock-peer-manager.js";

/** What light push answers: `"ok"`, or the error the SDK would report (`"Remote peer rejected"`, …). */
export type MockSendResult = "ok" | { error: string };

/** One light push attempt the node got. */
export interface MockSendAttempt {
  peerId: string | undefined;
  contentTopic: string;
  payload: Uint8Array;
  hash: string;
  ok: boolean;
}

export interface MockDeliverOptions {
  /** The message's timestamp, epoch ms. Default: the mock manager's clock. */
  timestamp?: number;
  /**
   * `"both"` (default): pushed by filter and kept in the store, as on a healthy network;
   * `"store"`: only in the store — a message live delivery missed, which a back-fill finds;
   * `"filter"`: pushed, never stored.
   */
  via?: "both" | "filter" | "store";
}

/**
 * A Waku node for the message hooks in tests, over a mock peer manager: its connections are the
 * mock's connected peers, its filter, store and light push live in memory. A message light push
 * accepts is stored and pushed to the filter subscribers, as a network would; `deliver` is a
 * message someone else published.
 */
export interface MockWakuNode extends MessageNode {
  /** A message from someone else, by filter and/or in store. Resolves with its hash once delivered. */
  deliver(contentTopic: string, payload: Uint8Array | string, options?: MockDeliverOptions): Promise<string>;
  /** What light push answers; a function decides per attempt. Default `"ok"`. */
  sendResult: MockSendResult | ((attempt: Omit<MockSendAttempt, "ok" | "hash">) => MockSendResult);
  /** Every light push attempt, in order. */
  readonly sent: readonly MockSendAttempt[];
  /** Hashes of the messages the mock store holds, oldest first. */
  readonly stored: readonly string[];
  /** Store queries fail (status 500) while true. */
  storeFails: boolean;
  /** Peers hung up through `libp2p.hangUp`, in order. */
  readonly hangUps: readonly string[];
}

const PUBSUB_TOPIC = "/waku/2/rs/1/0";
const ROUTING: IRoutingInfo = { clusterId: 1, shardId: 0, pubsubTopic: PUBSUB_TOPIC };

interface StoredMessage {
  contentTopic: string;
  proto: IProtoMessage;
  hash: string;
  timestamp: number;
}

interface Subscription {
  decoders: IDecoder<IDecodedMessage>[];
  callback: (message: IDecodedMessage) => void;
}

type QueryOptions = { timeStart?: Date; timeEnd?: Date; messageHashes?: Uint8Array[]; paginationLimit?: number };

/**
 * @example
 * const manager = createMockPeerManager({ status: "connected" });
 * const node = createMockWakuNode(manager);
 * node.sendResult = { error: "Remote peer rejected" }; // every send fails until set back to "ok"
 * await node.deliver("/my-app/1/chat/proto", "hello");  // useMessages shows it
 */
export function createMockWakuNode(manager: MockPeerManager): MockWakuNode {
  const messages: StoredMessage[] = [];
  const subscriptions = new Set<Subscription>();
  const sent: MockSendAttempt[] = [];
  const hangUps: string[] = [];

  const connections = () =>
    Object.values(manager.store.getState().peers)
      .filter((peer) => peer.connected)
      .map((peer) => ({ remotePeer: { toString: () => peer.id }, status: "open" as const }));
  const publish = async (message: StoredMessage, via: "both" | "filter" | "store") => {
    if (via !== "filter") messages.push(message);
    if (via === "store") return;
    for (const subscription of [...subscriptions]) {
      const decoder = subscription.decoders.find((candidate) => candidate.contentTopic === message.contentTopic);
      const decoded = decoder && (await decoder.fromProtoObj(PUBSUB_TOPIC, message.proto));
      if (decoded) subscription.callback(decoded);
    }
  };
  const push = async (encoder: IEncoder, message: IMessage, peerId: string | undefined) => {
    const proto = (await encoder.toProtoObj(message)) as IProtoMessage;
    const attempt = { peerId, contentTopic: encoder.contentTopic, payload: proto.payload };
    const answer = typeof node.sendResult === "function" ? node.sendResult(attempt) : node.sendResult;
    const hash = hashOf(PUBSUB_TOPIC, proto);
    sent.push({ ...attempt, hash, ok: answer === "ok" });
    if (answer === "ok")
      await publish({ contentTopic: encoder.contentTopic, proto, hash, timestamp: Number(proto.timestamp ?? 0n) / 1e6 }, "both");
    return answer;
  };

  const node = {
    sendResult: "ok" as MockWakuNode["sendResult"],
    storeFails: false,
    sent,
    hangUps,
    get stored() {
      return messages.map((message) => message.hash);
    },
    createEncoder: ({ contentTopic }: { contentTopic: string }) => createEncoder({ contentTopic, routingInfo: ROUTING }),
    createDecoder: ({ contentTopic }: { contentTopic: string }) => createDecoder(contentTopic, ROUTING),
    async deliver(contentTopic: string, payload: Uint8Array | string, options: MockDeliverOptions = {}) {
      const bytes = typeof payload === "string" ? new TextEncoder().encode(payload) : payload;
      const timestamp = options.timestamp ?? manager.clock.now();
      const proto = (await createEncoder({ contentTopic, routingInfo: ROUTING }).toProtoObj({
        payload: bytes,
        timestamp: new Date(timestamp),
      })) as IProtoMessage;
      const hash = hashOf(PUBSUB_TOPIC, proto);
      await publish({ contentTopic, proto, hash, timestamp }, options.via ?? "both");
      return hash;
    },
    libp2p: {
      getConnections: connections,
      async hangUp(peer: { toString(): string }) {
        const id = peer.toString();
        hangUps.push(id);
        if (!manager.store.getState().peers[id]?.connected) return;
        manager.updatePeer(id, { connected: false, connectedSince: undefined, address: undefined, rttMs: undefined });
        manager.pushEvent("peer:disconnected", id, "hung up");
      },
    },
    filter: {
      async subscribe(
        decoders: IDecoder<IDecodedMessage> | IDecoder<IDecodedMessage>[],
        callback: (message: IDecodedMessage) => void,
      ) {
        subscriptions.add({ decoders: Array.isArray(decoders) ? decoders : [decoders], callback });
        return true;
      },
      async unsubscribe(decoders: IDecoder<IDecodedMessage> | IDecoder<IDecodedMessage>[]) {
        const topics = new Set((Array.isArray(decoders) ? decoders : [decoders]).map((decoder) => decoder.contentTopic));
        for (const subscription of subscriptions)
          if (subscription.decoders.some((decoder) => topics.has(decoder.contentTopic))) subscriptions.delete(subscription);
        return true;
      },
    },
    store: {
      async *queryGenerator(decoders: IDecoder<IDecodedMessage>[], options: QueryOptions) {
        if (node.storeFails) throw new Error("Store query failed with status code: 500");
        const found = storeQuery(messages, decoders, options);
        const pageSize = options.paginationLimit ?? 20;
        for (let start = 0; start < found.length; start += pageSize) {
          yield found
            .slice(start, start + pageSize)
            .map(({ decoder, message }) => decoder.fromProtoObj(PUBSUB_TOPIC, message.proto));
        }
      },
    },
    lightPush: {
      protocol: {
        async send(encoder: IEncoder, message: IMessage, peer: { toString(): string }) {
          const answer = await push(encoder, message, peer.toString());
          return answer === "ok"
            ? { success: peer, failure: null }
            : { success: null, failure: { error: answer.error, peerId: peer } };
        },
      },
      async send(encoder: IEncoder, message: IMessage) {
        const peer = connections().find((connection) =>
          manager.store.getState().peers[connection.remotePeer.toString()]?.protocols.includes("lightPush"),
        )?.remotePeer;
        const answer = await push(encoder, message, peer?.toString());
        return answer === "ok" && peer
          ? { successes: [peer], failures: [] }
          : { successes: [], failures: [{ error: answer === "ok" ? "No peer available" : answer.error, peerId: peer }] };
      },
    },
  };
  return node as unknown as MockWakuNode;
}

/** The stored messages a query asks for (by hash, or by content topic and time range), oldest first. */
function storeQuery(messages: readonly StoredMessage[], decoders: IDecoder<IDecodedMessage>[], options: QueryOptions) {
  const hashes = options.messageHashes?.map((bytes) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join(""));
  const from = options.timeStart?.getTime() ?? Number.NEGATIVE_INFINITY;
  const to = options.timeEnd?.getTime() ?? Number.POSITIVE_INFINITY;
  return messages
    .filter((message) => (hashes ? hashes.includes(message.hash) : message.timestamp >= from && message.timestamp < to))
    .flatMap((message) => {
      const decoder = hashes ? decoders[0] : decoders.find((candidate) => candidate.contentTopic === message.contentTopic);
      return decoder ? [{ decoder, message }] : [];
    })
    .sort((a, b) => a.message.timestamp - b.message.timestamp);
}
