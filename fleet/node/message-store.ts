/**
 * The archive behind the store protocol: messages kept in time order, each once (by
 * message hash), paged with an exclusive cursor in either direction like nwaku's archive.
 * Bounded by message count and by bytes: the oldest messages go first.
 */
import type { proto_message } from "@waku/proto";

type WakuMessage = proto_message.WakuMessage;

export interface StoredMessage {
  readonly hash: Uint8Array;
  readonly hashHex: string;
  readonly pubsubTopic: string;
  readonly message: WakuMessage;
  /** The message's timestamp in ns, or the time it arrived when the sender set none. */
  readonly time: bigint;
  /** Size of the encoded message, to keep a page under the client's frame limit. */
  readonly encodedBytes: number;
}

export interface StoreCriteria {
  /** Hex hashes; when present, only these messages match and the other filters are unused. */
  messageHashes?: ReadonlySet<string>;
  pubsubTopic?: string;
  contentTopics?: ReadonlySet<string>;
  /** Inclusive bounds in ns. */
  timeStart?: bigint;
  timeEnd?: bigint;
  /** Hex hash of the last message the client saw; it is not repeated. */
  cursor?: string;
  forward: boolean;
  limit: number;
  maxPageBytes: number;
}

export type StorePage = { kind: "page"; messages: StoredMessage[]; hasMore: boolean } | { kind: "unknown-cursor" };

/** Oldest messages are dropped beyond either bound, so a long-running fleet cannot grow without bound. */
export interface StoreCapacity {
  maxMessages: number;
  /** Sum of the entries' `encodedBytes`. */
  maxBytes: number;
}

function compareStored(a: StoredMessage, b: StoredMessage): number {
  if (a.time !== b.time) return a.time < b.time ? -1 : 1;
  if (a.hashHex === b.hashHex) return 0;
  return a.hashHex < b.hashHex ? -1 : 1;
}

export class MessageStore {
  readonly #capacity: StoreCapacity;
  /** Ascending by (time, hash), the order pages are served in. */
  readonly #ordered: StoredMessage[] = [];
  readonly #byHash = new Map<string, StoredMessage>();
  #bytes = 0;

  constructor(capacity: StoreCapacity) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#ordered.length;
  }

  /** Sum of the stored entries' `encodedBytes`. */
  get bytes(): number {
    return this.#bytes;
  }

  has(hashHex: string): boolean {
    return this.#byHash.has(hashHex);
  }

  /** Stores the message unless it is already there; returns whether it was added (and kept). */
  add(entry: StoredMessage): boolean {
    if (this.#byHash.has(entry.hashHex)) return false;
    this.#ordered.splice(this.#firstIndexAfter(entry), 0, entry);
    this.#byHash.set(entry.hashHex, entry);
    this.#bytes += entry.encodedBytes;
    while (this.#ordered.length > this.#capacity.maxMessages || this.#bytes > this.#capacity.maxBytes) {
      const oldest = this.#ordered.shift();
      if (!oldest) break;
      this.#byHash.delete(oldest.hashHex);
      this.#bytes -= oldest.encodedBytes;
    }
    return this.#byHash.has(entry.hashHex);
  }

  query(criteria: StoreCriteria): StorePage {
    let start: number;
    if (criteria.cursor !== undefined) {
      const cursor = this.#byHash.get(criteria.cursor);
      if (!cursor) return { kind: "unknown-cursor" };
      start = criteria.forward ? this.#firstIndexAfter(cursor) : this.#firstIndexNotBefore(cursor) - 1;
    } else {
      start = criteria.forward ? 0 : this.#ordered.length - 1;
    }
    const step = criteria.forward ? 1 : -1;
    const page: StoredMessage[] = [];
    let pageBytes = 0;
    let index = start;
    for (; index >= 0 && index < this.#ordered.length; index += step) {
      const entry = this.#ordered[index] as StoredMessage;
      if (!matches(entry, criteria)) continue;
      const full = page.length >= criteria.limit || (page.length > 0 && pageBytes + entry.encodedBytes > criteria.maxPageBytes);
      if (full) break;
      page.push(entry);
      pageBytes += entry.encodedBytes;
    }
    // `index` stopped on the first match that did not fit, or ran off the end.
    const hasMore = index >= 0 && index < this.#ordered.length;
    if (!criteria.forward) page.reverse();
    return { kind: "page", messages: page, hasMore };
  }

  /** Index of the first entry ordered after `entry`. */
  #firstIndexAfter(entry: StoredMessage): number {
    let low = 0;
    let high = this.#ordered.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareStored(this.#ordered[middle] as StoredMessage, entry) <= 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Index of the first entry not ordered before `entry`. */
  #firstIndexNotBefore(entry: StoredMessage): number {
    let low = 0;
    let high = this.#ordered.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareStored(this.#ordered[middle] as StoredMessage, entry) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

function matches(entry: StoredMessage, criteria: StoreCriteria): boolean {
  if (criteria.messageHashes) return criteria.messageHashes.has(entry.hashHex);
  if (criteria.pubsubTopic !== undefined && entry.pubsubTopic !== criteria.pubsubTopic) return false;
  if (criteria.contentTopics && !criteria.contentTopics.has(entry.message.contentTopic)) return false;
  if (criteria.timeStart !== undefined && entry.time < criteria.timeStart) return false;
  if (criteria.timeEnd !== undefined && entry.time > criteria.timeEnd) return false;
  return true;
}
