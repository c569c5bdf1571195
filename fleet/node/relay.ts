/**
 * Waku relay between fleet nodes: gossipsub spoken under `/vac/waku/relay/2.0.0`, one
 * pubsub topic per served shard, protobuf WakuMessage bytes as message data, unsigned
 * (StrictNoSign), as nwaku runs it.
 */
import { GossipSub, type GossipSubComponents } from "@chainsafe/libp2p-gossipsub";
import type { Logger, Message } from "@libp2p/interface";
import { sha256 } from "@noble/hashes/sha2";
import { proto_message } from "@waku/proto";
import { describeError } from "./request-response.js";
import { hashWakuMessage, type WakuMessage } from "./waku-message.js";

export const RELAY_CODEC = "/vac/waku/relay/2.0.0";

/** A libp2p service factory for gossipsub tuned for a handful of loopback nodes. */
export function wakuGossipsub(): (components: GossipSubComponents) => GossipSub {
  return (components) => {
    const gossipsub = new GossipSub(components, {
      globalSignaturePolicy: "StrictNoSign",
      fallbackToFloodsub: false,
      // The fleet may be down to one node; a light push must still be accepted then.
      allowPublishToZeroTopicPeers: true,
      ignoreDuplicatePublishError: true,
      emitSelf: false,
      // Mesh degrees for a network of a few nodes: graft everyone available.
      D: 4,
      Dlo: 2,
      Dhi: 8,
      Dscore: 1,
      Dout: 1,
      heartbeatInterval: 500,
      // Every fleet node shares 127.0.0.1; the colocation penalty would punish that.
      scoreParams: { IPColocationFactorWeight: 0 },
      msgIdFn: relayMessageId,
    });
    // Waku speaks gossipsub under its own protocol id, and only under it.
    gossipsub.multicodecs = [RELAY_CODEC];
    return gossipsub;
  };
}

/** The Waku message hash, so gossipsub's own duplicate check agrees with ours. */
function relayMessageId(message: Message): Uint8Array {
  try {
    return hashWakuMessage(message.topic, proto_message.WakuMessage.decode(message.data));
  } catch {
    // Undecodable data gets an id too; the message handler drops it anyway.
    const topic = new TextEncoder().encode(message.topic);
    const joined = new Uint8Array(topic.length + message.data.length);
    joined.set(topic, 0);
    joined.set(message.data, topic.length);
    return sha256(joined);
  }
}

export type RelayedMessageHandler = (pubsubTopic: string, message: WakuMessage) => void;

export class Relay {
  readonly #gossipsub: GossipSub;
  readonly #topics: ReadonlySet<string>;
  readonly #onMessage: RelayedMessageHandler;
  readonly #log: Logger;

  constructor(gossipsub: GossipSub, topics: readonly string[], onMessage: RelayedMessageHandler, log: Logger) {
    this.#gossipsub = gossipsub;
    this.#topics = new Set(topics);
    this.#onMessage = onMessage;
    this.#log = log;
  }

  start(): void {
    this.#gossipsub.addEventListener("message", this.#handleMessage);
    for (const topic of this.#topics) this.#gossipsub.subscribe(topic);
  }

  stop(): void {
    this.#gossipsub.removeEventListener("message", this.#handleMessage);
  }

  /** Resolves to the number of relay peers the message was sent to. */
  async publish(pubsubTopic: string, message: WakuMessage): Promise<number> {
    const { recipients } = await this.#gossipsub.publish(pubsubTopic, proto_message.WakuMessage.encode(message));
    return recipients.length;
  }

  /** Peer ids of fleet nodes that told us they subscribe to one of our topics. */
  peers(): string[] {
    const peers = new Set<string>();
    for (const topic of this.#topics) {
      for (const peer of this.#gossipsub.getSubscribers(topic)) peers.add(peer.toString());
    }
    return [...peers];
  }

  readonly #handleMessage = (event: CustomEvent<Message>): void => {
    const { topic, data } = event.detail;
    if (!this.#topics.has(topic)) return;
    let message: WakuMessage;
    try {
      message = proto_message.WakuMessage.decode(data);
    } catch (err) {
      this.#log("dropping undecodable relay message on %s: %s", topic, describeError(err));
      return;
    }
    this.#onMessage(topic, message);
  };
}
