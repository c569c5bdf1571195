/**
 * Who is subscribed to what, with nwaku's expiry rule: a peer's subscriptions lapse when
 * it has neither pinged nor subscribed for the time-to-live. Expiry is evaluated whenever
 * subscriptions are read, so no timer is needed. Bounded like nwaku's: criteria per peer
 * and subscribed peers overall.
 */
import type { PeerId } from "@libp2p/interface";

interface Subscriber {
  peerId: PeerId;
  lastSeenMs: number;
  /** pubsub topic → content topics */
  topics: Map<string, Set<string>>;
}

export interface SubscriptionCaps {
  /** Distinct (pubsub topic, content topic) pairs one peer may hold. */
  maxCriteriaPerPeer: number;
  /** Peers with live subscriptions at once. */
  maxSubscribers: number;
}

/** Why a subscription was refused, in nwaku's words (it answers them with 503). */
export type SubscribeRefusal =
  | "node has reached maximum number of subscriptions"
  | "peer has reached maximum number of filter criteria";

export class FilterSubscriptions {
  readonly #ttlMs: number;
  readonly #caps: SubscriptionCaps;
  readonly #now: () => number;
  readonly #subscribers = new Map<string, Subscriber>();

  constructor(ttlMs: number, caps: SubscriptionCaps, now: () => number = Date.now) {
    this.#ttlMs = ttlMs;
    this.#caps = caps;
    this.#now = now;
  }

  /** Adds the criteria, or nothing at all when that would break a cap; returns the refusal then. */
  subscribe(peerId: PeerId, pubsubTopic: string, contentTopics: readonly string[]): SubscribeRefusal | undefined {
    const key = peerId.toString();
    const existing = this.#live(key);
    if (!existing && this.subscriberCount() >= this.#caps.maxSubscribers)
      return "node has reached maximum number of subscriptions";
    const subscriber = existing ?? { peerId, lastSeenMs: 0, topics: new Map() };
    const topics = subscriber.topics.get(pubsubTopic) ?? new Set<string>();
    const added = new Set(contentTopics.filter((contentTopic) => !topics.has(contentTopic))).size;
    if (criteriaOf(subscriber) + added > this.#caps.maxCriteriaPerPeer)
      return "peer has reached maximum number of filter criteria";
    subscriber.lastSeenMs = this.#now();
    for (const contentTopic of contentTopics) topics.add(contentTopic);
    subscriber.topics.set(pubsubTopic, topics);
    this.#subscribers.set(key, subscriber);
    return undefined;
  }

  /** Returns false when the peer had none of these subscriptions. */
  unsubscribe(peerId: PeerId, pubsubTopic: string, contentTopics: readonly string[]): boolean {
    const key = peerId.toString();
    const subscriber = this.#live(key);
    const topics = subscriber?.topics.get(pubsubTopic);
    if (!subscriber || !topics) return false;
    let removedAny = false;
    for (const contentTopic of contentTopics) removedAny = topics.delete(contentTopic) || removedAny;
    if (topics.size === 0) subscriber.topics.delete(pubsubTopic);
    if (subscriber.topics.size === 0) this.#subscribers.delete(key);
    else subscriber.lastSeenMs = this.#now();
    return removedAny;
  }

  /** Returns false when the peer had no subscription. */
  unsubscribeAll(peerId: PeerId): boolean {
    const key = peerId.toString();
    const had = this.#live(key) !== undefined;
    this.#subscribers.delete(key);
    return had;
  }

  /** A ping keeps a peer's subscriptions alive; returns false when it has none. */
  ping(peerId: PeerId): boolean {
    const subscriber = this.#live(peerId.toString());
    if (!subscriber) return false;
    subscriber.lastSeenMs = this.#now();
    return true;
  }

  subscribersOf(pubsubTopic: string, contentTopic: string): PeerId[] {
    const peers: PeerId[] = [];
    for (const key of [...this.#subscribers.keys()]) {
      const subscriber = this.#live(key);
      if (subscriber?.topics.get(pubsubTopic)?.has(contentTopic)) peers.push(subscriber.peerId);
    }
    return peers;
  }

  /** Number of peers with at least one live subscription. */
  subscriberCount(): number {
    let count = 0;
    for (const key of [...this.#subscribers.keys()]) if (this.#live(key)) count++;
    return count;
  }

  /** The subscriber, unless absent or expired (an expired one is forgotten). */
  #live(key: string): Subscriber | undefined {
    const subscriber = this.#subscribers.get(key);
    if (!subscriber) return undefined;
    if (this.#now() - subscriber.lastSeenMs > this.#ttlMs) {
      this.#subscribers.delete(key);
      return undefined;
    }
    return subscriber;
  }
}

function criteriaOf(subscriber: Subscriber): number {
  let count = 0;
  for (const topics of subscriber.topics.values()) count += topics.size;
  return count;
}
