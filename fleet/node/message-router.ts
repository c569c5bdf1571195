/**
 * Where an accepted message goes: the archive (unless ephemeral), the local filter
 * subscribers, and — when it came from a light push client — the relay mesh. A message
 * reaching the node twice (the same push on two nodes, or relay after light push) is
 * delivered once, by message hash.
 */
import { proto_message } from "@waku/proto";
import { bytesToHex } from "@waku/utils/bytes";
import type { NodeCounters } from "./counters.js";
import type { FilterPusher } from "./filter.js";
import type { MessageStore } from "./message-store.js";
import type { Relay } from "./relay.js";
import { hashWakuMessage, type WakuMessage } from "./waku-message.js";

/** As long as gossipsub remembers message ids (its seenTTL default). */
const DUPLICATE_WINDOW_MS = 2 * 60 * 1000;
const MAX_REMEMBERED_HASHES = 100_000;
const NANOSECONDS_PER_MILLISECOND = 1_000_000n;
/** Per stored message, for the hash, topic and protobuf framing around the message itself. */
const KEY_VALUE_OVERHEAD_BYTES = 64;

export interface MessageRouterParts {
  /** Absent when the node does not serve store. */
  archive?: MessageStore;
  /** Absent when the node does not serve filter. */
  pusher?: FilterPusher;
  /** Absent when the node does not serve relay. */
  relay?: Relay;
  counters: NodeCounters;
}

export class MessageRouter {
  readonly #parts: MessageRouterParts;
  /** hash → when first seen; insertion order is age order. */
  readonly #recent = new Map<string, number>();

  constructor(parts: MessageRouterParts) {
    this.#parts = parts;
  }

  /** A message a light push client handed in. Resolves to the number of relay peers it went to. */
  async fromClient(pubsubTopic: string, message: WakuMessage): Promise<number> {
    if (!this.#deliverLocally(pubsubTopic, message)) return 0;
    return (await this.#parts.relay?.publish(pubsubTopic, message)) ?? 0;
  }

  /** A message another fleet node relayed to us. */
  fromRelay(pubsubTopic: string, message: WakuMessage): void {
    this.#parts.counters.relayReceived++;
    this.#deliverLocally(pubsubTopic, message);
  }

  /** Returns false for a duplicate, which is dropped. */
  #deliverLocally(pubsubTopic: string, message: WakuMessage): boolean {
    const hash = hashWakuMessage(pubsubTopic, message);
    const hashHex = bytesToHex(hash);
    if (!this.#firstSighting(hashHex)) return false;
    if (!message.ephemeral && this.#parts.archive) {
      this.#parts.archive.add({
        hash,
        hashHex,
        pubsubTopic,
        message,
        time: message.timestamp || BigInt(Date.now()) * NANOSECONDS_PER_MILLISECOND,
        encodedBytes: proto_message.WakuMessage.encode(message).length + pubsubTopic.length + KEY_VALUE_OVERHEAD_BYTES,
      });
    }
    this.#parts.pusher?.push(pubsubTopic, message);
    return true;
  }

  #firstSighting(hashHex: string): boolean {
    const now = Date.now();
    for (const [oldHash, seenAt] of this.#recent) {
      if (now - seenAt <= DUPLICATE_WINDOW_MS && this.#recent.size < MAX_REMEMBERED_HASHES) break;
      this.#recent.delete(oldHash);
    }
    if (this.#recent.has(hashHex) || this.#parts.archive?.has(hashHex)) return false;
    this.#recent.set(hashHex, now);
    return true;
  }
}
