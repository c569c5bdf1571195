/** Public types of the message layer (`waku-peers/core`, and the hooks of `waku-peers/messages`). */
import type { IDecodedMessage, IDecoder, IEncoder } from "@waku/sdk";

import type { Clock } from "../core/lifetime/clock.js";
import type { PeerManager } from "../core/types.js";
import type { BackfillReason } from "./loss-signals.js";
import type { MessageNode } from "./sdk-adapter.js";
import type { MessageStorageOption } from "./storage.js";

/** What every message function is given: the node and the peer manager watching it. */
export interface MessageContext {
  node: MessageNode;
  manager: PeerManager;
}

/** How a message reached the app: live through filter, or through a store back-fill of a gap. */
export type MessageSource = "filter" | "store";

export interface ReceivedMessage<T extends IDecodedMessage = IDecodedMessage> {
  /** Hex message hash: the identity used for exactly-once delivery. */
  readonly hash: string;
  /** The message's timestamp in epoch ms (its arrival time when it carries none): the order key. */
  readonly timestamp: number;
  readonly source: MessageSource;
  /** Arrival order within one watcher (1, 2, …): what the message list's size limit evicts by. */
  readonly sequence: number;
  /** The SDK's decoded message (payload, content topic, meta…). */
  readonly message: T;
}

/**
 * - `live`: filter is delivering and no gap is known.
 * - `backfilling`: something may have cost messages; the gap is being read from store (live
 *   messages are held meanwhile, then delivered in timestamp order with the back-filled ones).
 * - `gap`: a range could not be filled (no store peer, store error); see `unfilled`.
 * - `unavailable`: no live delivery is possible now (no filter peer, the manager is not connected).
 */
export type SyncStatus = "live" | "backfilling" | "gap" | "unavailable";

/** A time range (epoch ms) that may hold messages the app never got. */
export interface UnfilledRange {
  from: number;
  to: number;
  reason: string;
}

export interface BackfillReport {
  reason: BackfillReason;
  from: number;
  to: number;
  /** Messages the store returned (repeats included). */
  found: number;
  /** Messages the app had not seen, delivered by this back-fill. */
  delivered: number;
  /** Store peers asked, in order. */
  peers: readonly string[];
  startedAt: number;
  durationMs: number;
  ok: boolean;
}

export interface SyncState {
  status: SyncStatus;
  /** Timestamp (epoch ms) of the newest message delivered, this run or a previous one. */
  lastSeenAt: number | undefined;
  /** Ranges that could not be filled; retried when a store peer appears or something else may have cost messages. */
  unfilled: readonly UnfilledRange[];
  lastBackfill: BackfillReport | undefined;
}

export interface BackfillOptions {
  /** Re-read this much before the last message seen (clock skew, in-flight messages). Default 5 000 ms. */
  overlapMs?: number;
  /** Never reach further back than this. Default 7 days. */
  maxRangeMs?: number;
  /** Store page size (at most 100). Default 100. */
  pageSize?: number;
  /** On the very first start of a topic (nothing remembered), read this much history. Default 0. */
  initialRangeMs?: number;
  /**
   * After a back-fill, one more short pass — this much after the SDK's filter subscription uses a
   * connected peer again — catches what neither path had meanwhile. Default 250 ms.
   */
  settleMs?: number;
  /** With no store peer for this long after connectivity is back, the gap is reported. Default 5 000 ms. */
  storePeerWaitMs?: number;
  /**
   * Longest wait for the SDK's filter subscription to use a connected peer again before the settle pass runs anyway.
   * Default 3 000 ms.
   */
  filterReadyWaitMs?: number;
}

export interface WatchMessagesOptions<T extends IDecodedMessage = IDecodedMessage> {
  /** A content topic (decoded as plain version-0 messages), or `decoder` for anything else. */
  contentTopic?: string;
  decoder?: IDecoder<T>;
  /** Called once per message, in timestamp order within each delivery. Exceptions are rethrown asynchronously. */
  onMessage: (message: ReceivedMessage<T>) => void;
  /** `false`: live only, no store back-fill. */
  backfill?: BackfillOptions | false;
  /**
   * Where the last-seen time and recent hashes live across starts; `false` remembers nothing. Default: IndexedDB, else
   * localStorage, else memory.
   */
  storage?: MessageStorageOption | false;
  /** Hashes remembered for exactly-once delivery. Default 10 000. */
  dedupeCapacity?: number;
  clock?: Clock;
}

export interface MessageWatcher {
  getSync(): SyncState;
  /** Called on every change of the sync state. Returns an unsubscribe. */
  subscribeSync(listener: (sync: SyncState) => void): () => void;
  /** Back-fill from the last message seen now, e.g. from a "refresh" button. */
  backfill(): void;
  /** Settles once the remembered state is loaded and the filter subscription requested. */
  readonly ready: Promise<void>;
  /** Unsubscribes, cancels timers, saves what must be remembered. Idempotent. */
  stop(): void;
}

/** Status of one outgoing message. */
export type SendStatus = "queued" | "sending" | "sent" | "confirmed" | "failed" | "expired";

export interface OutboxItem {
  /** Yours (`send(payload, { id })`) or generated. */
  readonly id: string;
  /** Hex message hash, fixed at enqueue: every retry sends the same bytes. */
  readonly hash: string;
  readonly contentTopic: string;
  readonly pubsubTopic: string;
  readonly status: SendStatus;
  /** Epoch ms the message was enqueued (its Waku timestamp too). */
  readonly createdAt: number;
  /** Encoded size in bytes. */
  readonly bytes: number;
  readonly attempts: number;
  readonly lastError: string | undefined;
  readonly nextAttemptAt: number | undefined;
  /** Peer that accepted it. */
  readonly sentTo: string | undefined;
  readonly sentAt: number | undefined;
  readonly confirmedAt: number | undefined;
}

/**
 * The bound policy of an outbox. A `send` that would pass `maxMessages` or `maxBytes` of unsent
 * messages is refused (`OUTBOX_FULL`) — nothing queued is ever dropped to make room. Unsent
 * messages older than `maxAgeMs` become `expired`. Settled items (sent, confirmed, failed,
 * expired) are kept for status display: at most `keepSettled`, for at most `keepSettledMs`.
 */
export interface OutboxLimits {
  /** Default 500. */
  maxMessages?: number;
  /** Default 5 MiB. */
  maxBytes?: number;
  /** Default 24 h. */
  maxAgeMs?: number;
  /** One message's encoded size. Default 1 MiB (the SDK's own cap). */
  maxMessageBytes?: number;
  /** Default 100. */
  keepSettled?: number;
  /** Default 10 min. */
  keepSettledMs?: number;
}

/** The outbox's own retry schedule (the SDK's `autoRetry` is never used). */
export interface OutboxRetryOptions {
  /** First retry after this; doubles per attempt. Default 500 ms. */
  initialDelayMs?: number;
  /** Default 30 000 ms. */
  maxDelayMs?: number;
  /** 0..1, a delay is drawn from [delay × (1 − jitter), delay]. Default 0.2. */
  jitter?: number;
  /** An attempt not answered by then counts as failed (the message is retried elsewhere). Default 10 000 ms. */
  attemptTimeoutMs?: number;
  /** Messages attempted at once. Default 4. */
  concurrency?: number;
}

/** `confirmed` = found by hash in a store other than the accepting peer (the acceptor alone only in a one-store network). */
export interface OutboxConfirmOptions {
  /** Time between two store lookups of sent messages. Default 1 000 ms. */
  intervalMs?: number;
  /** A sent message no store has after this long is sent again (same bytes, same hash). Default 15 000 ms. */
  resendAfterMs?: number;
}

/** Web Locks (`navigator.locks`) or a stand-in: only the tab holding the lock drains a shared outbox. */
export interface DrainLocks {
  request(name: string, options: { signal?: AbortSignal }, callback: () => Promise<void>): Promise<unknown>;
}

export interface CreateOutboxOptions {
  /** A content topic (plain version-0 messages), or `encoder` for anything else (encryption…). */
  contentTopic?: string;
  encoder?: IEncoder;
  /** Default: IndexedDB, else localStorage, else memory. */
  storage?: MessageStorageOption;
  /** Outboxes with one key share storage and one drainer. Default: the content topic. */
  key?: string;
  limits?: OutboxLimits;
  retry?: OutboxRetryOptions;
  /** `false`: a message ends at `sent`. */
  confirm?: OutboxConfirmOptions | false;
  /** Default `navigator.locks` where it exists; `false` drains in this instance without a lock. */
  locks?: DrainLocks | false;
  clock?: Clock;
  /** 0..1 source for jitter and ids. Default `Math.random`. */
  random?: () => number;
}

export interface SendOptions {
  /** Your id for the message: sending the same id again returns the queued one instead of a copy. */
  id?: string;
}

export interface SendResult {
  id: string;
  hash: string;
}

export interface OutboxSnapshot {
  /** Every item, oldest first (pending and recently settled). */
  readonly items: readonly OutboxItem[];
  /** Queued or sending. */
  readonly pending: number;
  /** The manager is online and has a light push peer. */
  readonly canSend: boolean;
  /** This instance holds the drain lock (or runs without one). */
  readonly draining: boolean;
  /** Set when storage failed: messages are then kept in memory only. */
  readonly storageError: string | undefined;
}

export interface Outbox {
  /**
   * Encodes once (timestamp fixed), persists, and queues. Resolves with the id and the hash the
   * message will have in the network however often it is retried.
   * @throws {WakuPeersError} `INVALID_MESSAGE`, `PAYLOAD_TOO_LARGE`, `OUTBOX_FULL`.
   */
  send(payload: Uint8Array, options?: SendOptions): Promise<SendResult>;
  get(id: string): OutboxItem | undefined;
  getSnapshot(): OutboxSnapshot;
  /** Called on every change. Returns an unsubscribe. */
  subscribe(listener: () => void): () => void;
  /** Called when sending becomes possible or impossible. Returns an unsubscribe. */
  onCanSend(listener: (canSend: boolean) => void): () => void;
  /** Settles once stored messages are loaded (and being drained, when this instance drains). */
  readonly ready: Promise<void>;
  /** Stops sending and releases the lock; queued messages stay in storage. Idempotent. */
  stop(): void;
}
