import type { IEncoder } from "@waku/sdk";

import { WakuPeersError } from "../core/errors.js";
import { systemClock, type TimerHandle } from "../core/lifetime/clock.js";
import { withinMs } from "./deadline.js";
import { confirmWitnesses } from "./confirm-witness.js";
import { parseOutboxRecord, recordKey, recordPrefix, serializeRecord, type OutboxRecord } from "./outbox-record.js";
import { canChoosePushPeer, encodeOnce, encoderOf, pushOnce, storeHasHashes, type PushOutcome } from "./sdk-adapter.js";
import { canSendFrom, lightPushPeers, nextPushPeer, retryDelay } from "./send-readiness.js";
import { resolveStorage, type MessageStorage } from "./storage.js";
import type {
  CreateOutboxOptions,
  DrainLocks,
  MessageContext,
  Outbox,
  OutboxItem,
  OutboxSnapshot,
  SendOptions,
  SendResult,
} from "./types.js";

const LIMITS = {
  maxMessages: 500,
  maxBytes: 5 * 1024 * 1024,
  maxAgeMs: 24 * 60 * 60 * 1000,
  maxMessageBytes: 1024 * 1024,
  keepSettled: 100,
  keepSettledMs: 10 * 60 * 1000,
};
const RETRY = { initialDelayMs: 500, maxDelayMs: 30_000, jitter: 0.2, attemptTimeoutMs: 10_000, concurrency: 4 };
const CONFIRM = { intervalMs: 1_000, resendAfterMs: 15_000 };
/** Hashes per store lookup (the store's page limit). */
const CONFIRM_BATCH = 100;
/**
 * A confirmation this close before sending became impossible is checked again afterwards: the
 * outage may have taken the only stores that had the message (and the peer that accepted it
 * before it relayed further). Settled items this recent are never pruned.
 */
const REVERIFY_WINDOW_MS = 60_000;
/** Other tabs' writes are read back at most this often. */
const RELOAD_DEBOUNCE_MS = 50;

type Entry = OutboxRecord & { readonly tried: readonly string[] };

const PENDING = new Set(["queued", "sending"]);
const SETTLED = new Set(["confirmed", "failed", "expired"]);

/**
 * A durable outbox for one content topic (js-waku issue 914: "tell the app when sending is
 * possible again", and lose nothing across an outage or a reload):
 *
 * - each message is encoded **once**, at `send()`: its timestamp is fixed, so every retry, every
 *   peer and every reload sends the same bytes with the same hash (duplicates collapse in the network);
 * - its own retry with backoff, each attempt on a different light push peer where the SDK lets us
 *   choose (`sdk-adapter.ts`), failures reported to the manager's scores; nothing is attempted
 *   while the manager is offline or has no light push peer, and the queue drains the moment it has;
 * - status per message — `queued | sending | sent | confirmed | failed | expired` — `confirmed`
 *   once a store other than its acceptor has it by hash (`confirm-witness.ts`; a sent message no
 *   store has after `resendAfterMs` goes out again);
 * - persisted (IndexedDB, else localStorage, else memory), bounded (see `OutboxLimits`), and only
 *   one tab drains an outbox key (Web Locks); the others enqueue into the shared storage.
 *
 * @throws {WakuPeersError} `INVALID_OPTIONS` without exactly one of `contentTopic` / `encoder`.
 *
 * @example
 * const outbox = createOutbox({ node, manager }, { contentTopic: "/my-app/1/chat/proto" });
 * const { id, hash } = await outbox.send(utf8ToBytes("hello"));
 * outbox.subscribe(() => console.log(outbox.get(id)?.status));
 */
export function createOutbox(context: MessageContext, options: CreateOutboxOptions): Outbox {
  const { node, manager } = context;
  const encoder = resolveEncoder(context, options);
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const limits = { ...LIMITS, ...options.limits };
  const retry = { ...RETRY, ...options.retry };
  const confirm = options.confirm === false ? undefined : { ...CONFIRM, ...options.confirm };
  const storage: MessageStorage = resolveStorage(options.storage);
  const outboxKey = options.key ?? `${encoder.pubsubTopic}|${encoder.contentTopic}`;
  const prefix = recordPrefix(outboxKey);
  const locks = options.locks === false ? undefined : (options.locks ?? browserLocks());
  const choosesPeer = canChoosePushPeer(node);

  const entries = new Map<string, Entry>();
  const listeners = new Set<() => void>();
  const canSendListeners = new Set<(canSend: boolean) => void>();
  const stopController = new AbortController();
  let stopped = false;
  let draining = locks === undefined;
  let inFlight = 0;
  let canSend = canSendFrom(manager.store.getState());
  let storageError: string | undefined;
  let snapshot: OutboxSnapshot | undefined;
  let wakeTimer: { at: number; handle: TimerHandle } | undefined;
  let confirmTimer: TimerHandle | undefined;
  let confirming = false;
  let reloadTimer: TimerHandle | undefined;
  /** When sending last became impossible. */
  let cutOffAt: number | undefined;

  const channel = openChannel(`waku-peers:outbox:${outboxKey}`, () => scheduleReload());

  const changed = (): void => {
    snapshot = undefined;
    for (const listener of [...listeners]) listener();
  };

  // --- storage --------------------------------------------------------------------------------

  async function persist(entry: Entry): Promise<void> {
    try {
      await storage.set(recordKey(outboxKey, entry.id), serializeRecord(entry));
      channel?.postMessage(entry.id);
    } catch (error) {
      noteStorageError(error);
    }
  }

  async function forget(id: string): Promise<void> {
    try {
      await storage.delete(recordKey(outboxKey, id));
      channel?.postMessage(id);
    } catch (error) {
      noteStorageError(error);
    }
  }

  function noteStorageError(error: unknown): void {
    const message = new WakuPeersError("STORAGE_FAILED", [
      `${storage.kind}: ${error instanceof Error ? error.message : String(error)}; messages are kept in memory`,
    ]).message;
    if (storageError === message) return;
    storageError = message;
    changed();
  }

  /** Reads storage back: records of other tabs appear; a non-draining tab takes the drainer's word for the rest. */
  async function reload(): Promise<void> {
    let stored: [string, unknown][];
    try {
      stored = await storage.entries(prefix);
    } catch (error) {
      noteStorageError(error);
      return;
    }
    if (stopped) return;
    const seen = new Set<string>();
    let any = false;
    for (const [, value] of stored) {
      const record = parseOutboxRecord(value);
      if (record === undefined || record.pubsubTopic !== encoder.pubsubTopic || record.contentTopic !== encoder.contentTopic)
        continue;
      seen.add(record.id);
      const current = entries.get(record.id);
      if (current !== undefined && (draining || sameRecord(current, record))) continue;
      entries.set(record.id, { ...record, tried: current?.tried ?? [] });
      any = true;
    }
    if (!draining) {
      for (const id of [...entries.keys()]) {
        if (!seen.has(id)) {
          entries.delete(id);
          any = true;
        }
      }
    }
    if (any) changed();
    drain();
  }

  function scheduleReload(): void {
    if (stopped || reloadTimer !== undefined) return;
    reloadTimer = clock.setTimeout(() => {
      reloadTimer = undefined;
      void reload();
    }, RELOAD_DEBOUNCE_MS);
  }

  // --- sending --------------------------------------------------------------------------------

  function update(entry: Entry, patch: Partial<Entry>): Entry {
    const next: Entry = { ...entry, ...patch };
    entries.set(entry.id, next);
    changed();
    void persist(next);
    return next;
  }

  function drain(): void {
    if (stopped || !draining) return;
    const now = clock.now();
    expireOld(now);
    pruneSettled(now);
    if (!canSend) return;
    let nextWake = Number.POSITIVE_INFINITY;
    for (const entry of entries.values()) {
      if (entry.status !== "queued") continue;
      const due = entry.nextAttemptAt ?? 0;
      if (due > now) {
        nextWake = Math.min(nextWake, due);
        continue;
      }
      if (inFlight >= retry.concurrency) break;
      void attempt(entry);
    }
    if (Number.isFinite(nextWake)) wakeAt(nextWake);
    scheduleConfirm();
  }

  function wakeAt(at: number): void {
    if (wakeTimer !== undefined && wakeTimer.at <= at) return;
    if (wakeTimer !== undefined) clock.clearTimeout(wakeTimer.handle);
    const handle = clock.setTimeout(
      () => {
        wakeTimer = undefined;
        drain();
      },
      Math.max(0, at - clock.now()),
    );
    wakeTimer = { at, handle };
  }

  async function attempt(entry: Entry): Promise<void> {
    inFlight++;
    const peerId = choosesPeer ? nextPushPeer(lightPushPeers(manager.store.getState()), entry.tried) : undefined;
    let current = update(entry, { status: "sending", tried: peerId === undefined ? entry.tried : [...entry.tried, peerId] });
    const outcome: PushOutcome = await withinMs(pushOnce(node, encoder, entry.wire, peerId), retry.attemptTimeoutMs).catch(
      (error: unknown) => ({
        ok: false as const,
        peerId,
        error: error instanceof Error ? error.message : String(error),
        peerCaused: peerId !== undefined,
        retryable: true,
      }),
    );
    inFlight--;
    if (stopped) return;
    current = entries.get(entry.id) ?? current;
    const attempts = current.attempts + 1;
    if (outcome.ok) {
      // Only attempts made around the SDK's public `send` are already observed by the manager.
      if (choosesPeer && outcome.peerId !== undefined) manager.reportSuccess(outcome.peerId, "lightPush");
      update(current, {
        status: "sent",
        attempts,
        lastError: undefined,
        sentTo: outcome.peerId,
        sentAt: clock.now(),
        nextAttemptAt: undefined,
      });
    } else {
      if (choosesPeer && outcome.peerCaused && outcome.peerId !== undefined) {
        manager.reportFailure(outcome.peerId, "lightPush", `outbox: ${outcome.error}`);
      }
      update(
        current,
        outcome.retryable
          ? {
              status: "queued",
              attempts,
              lastError: outcome.error,
              nextAttemptAt:
                clock.now() +
                retryDelay(attempts, { initialMs: retry.initialDelayMs, maxMs: retry.maxDelayMs, jitter: retry.jitter }, random),
            }
          : { status: "failed", attempts, lastError: outcome.error, nextAttemptAt: undefined },
      );
    }
    drain();
  }

  function expireOld(now: number): void {
    for (const entry of [...entries.values()]) {
      if (entry.status === "queued" && now - entry.createdAt >= limits.maxAgeMs) {
        update(entry, { status: "expired", nextAttemptAt: undefined, lastError: `not sent within ${limits.maxAgeMs} ms` });
      }
    }
  }

  /** Settled items are kept for display only: at most `keepSettled`, for at most `keepSettledMs`. */
  function pruneSettled(now: number): void {
    const settled = [...entries.values()].filter((entry) => SETTLED.has(entry.status)).sort((a, b) => a.createdAt - b.createdAt);
    const excess = settled.length - limits.keepSettled;
    settled.forEach((entry, index) => {
      const settledAt = entry.confirmedAt ?? entry.sentAt ?? entry.createdAt;
      const recent = now - settledAt < REVERIFY_WINDOW_MS;
      if ((index < excess && !recent) || now - settledAt > limits.keepSettledMs) {
        entries.delete(entry.id);
        void forget(entry.id);
        changed();
      }
    });
  }

  // --- confirmation ---------------------------------------------------------------------------

  function scheduleConfirm(): void {
    if (confirm === undefined || confirmTimer !== undefined || confirming || stopped || !draining) return;
    if (![...entries.values()].some((entry) => entry.status === "sent")) return;
    confirmTimer = clock.setTimeout(() => {
      confirmTimer = undefined;
      void confirmSent();
    }, confirm.intervalMs);
  }

  async function confirmSent(): Promise<void> {
    if (confirm === undefined || stopped) return;
    const witnessFor = confirmWitnesses(manager.store.getState().peers);
    // Messages waiting for a witness other than their acceptor do not hold the others back.
    const sent: Entry[] = [];
    const byWitness = new Map<string, Entry[]>();
    for (const entry of entries.values()) {
      if (sent.length >= CONFIRM_BATCH) break;
      const witness = entry.status === "sent" ? witnessFor(entry.sentTo) : undefined;
      if (witness === undefined) continue;
      sent.push(entry);
      byWitness.set(witness, [...(byWitness.get(witness) ?? []), entry]);
    }
    if (sent.length === 0) {
      scheduleConfirm();
      return;
    }
    confirming = true;
    const found = new Set<string>();
    const answered = new Set<string>();
    await Promise.all(
      [...byWitness].map(async ([witness, batch]) => {
        try {
          const hashes = await withinMs(
            storeHasHashes(
              node,
              encoder.pubsubTopic,
              encoder.contentTopic,
              batch.map((entry) => entry.hash),
              witness,
            ),
            retry.attemptTimeoutMs,
          );
          for (const hash of hashes) found.add(hash);
          for (const entry of batch) answered.add(entry.id);
        } catch {
          // Store trouble is the store's own problem: confirmation waits for the next round.
        }
      }),
    );
    confirming = false;
    if (stopped) return;
    const now = clock.now();
    for (const item of sent) {
      const entry = entries.get(item.id);
      if (entry?.status !== "sent") continue;
      if (found.has(entry.hash)) update(entry, { status: "confirmed", confirmedAt: now });
      else if (answered.has(entry.id) && now - (entry.sentAt ?? now) >= confirm.resendAfterMs) {
        // Accepted but never stored elsewhere (the peer died or could not relay): the same bytes go out again.
        update(entry, {
          status: "queued",
          nextAttemptAt: undefined,
          lastError: `not found in store ${confirm.resendAfterMs} ms after sending`,
        });
      }
    }
    drain();
  }

  /** Recently confirmed messages go back to `sent`: found again, they are confirmed again; not found, resent (same hash). */
  function reverifyConfirmedBefore(at: number): void {
    if (confirm === undefined) return;
    for (const entry of [...entries.values()]) {
      if (entry.status !== "confirmed" || (entry.confirmedAt ?? 0) < at - REVERIFY_WINDOW_MS) continue;
      update(entry, { status: "sent", confirmedAt: undefined, sentAt: Math.min(entry.sentAt ?? at, at - confirm.resendAfterMs) });
    }
  }

  // --- public ---------------------------------------------------------------------------------

  const loaded = reload();

  const unsubscribeManager = manager.store.subscribe((state) => {
    const next = canSendFrom(state);
    if (next === canSend) return;
    canSend = next;
    if (!next) cutOffAt = clock.now();
    else {
      // Sending is possible again: nothing waits for its backoff.
      for (const entry of entries.values())
        if (entry.status === "queued" && entry.nextAttemptAt !== undefined)
          entries.set(entry.id, { ...entry, nextAttemptAt: undefined });
      if (cutOffAt !== undefined) reverifyConfirmedBefore(cutOffAt);
    }
    changed();
    for (const listener of [...canSendListeners]) listener(next);
    drain();
  });

  const ready = loaded.then(() => {
    if (stopped || locks === undefined) return;
    const acquired = new Promise<void>((resolve) => {
      locks
        .request(`waku-peers:outbox:${outboxKey}`, { signal: stopController.signal }, async () => {
          if (stopped) return;
          draining = true;
          resolve();
          // Read again: what another tab left in storage is ours to send now.
          await reload();
          changed();
          await new Promise<void>((release) => stopController.signal.addEventListener("abort", () => release(), { once: true }));
        })
        .catch(() => resolve());
      // Another tab drains: this one is ready as soon as it has loaded.
      queueMicrotask(() => {
        if (!draining) resolve();
      });
    });
    return acquired;
  });

  async function send(payload: Uint8Array, sendOptions: SendOptions = {}): Promise<SendResult> {
    if (!(payload instanceof Uint8Array) || payload.length === 0) {
      throw new WakuPeersError("INVALID_MESSAGE", ["send: payload must be a non-empty Uint8Array"]);
    }
    if (sendOptions.id !== undefined && (typeof sendOptions.id !== "string" || sendOptions.id.length === 0)) {
      throw new WakuPeersError("INVALID_MESSAGE", ["send: id must be a non-empty string"]);
    }
    await loaded;
    if (stopped) throw new WakuPeersError("INVALID_OPTIONS", ["send: the outbox is stopped"]);
    const existing = sendOptions.id === undefined ? undefined : entries.get(sendOptions.id);
    if (existing !== undefined) return { id: existing.id, hash: existing.hash };
    const createdAt = clock.now();
    let encoded: Awaited<ReturnType<typeof encodeOnce>>;
    try {
      encoded = await encodeOnce(encoder, payload, createdAt);
    } catch (error) {
      throw new WakuPeersError("INVALID_MESSAGE", [
        `send: the encoder failed: ${error instanceof Error ? error.message : String(error)}`,
      ]);
    }
    if (encoded === undefined) throw new WakuPeersError("INVALID_MESSAGE", ["send: the encoder refused the message"]);
    if (encoded.wire.length > limits.maxMessageBytes) {
      throw new WakuPeersError("PAYLOAD_TOO_LARGE", [
        `send: ${encoded.wire.length} bytes encoded, at most ${limits.maxMessageBytes}`,
      ]);
    }
    const pending = [...entries.values()].filter((entry) => PENDING.has(entry.status));
    const pendingBytes = pending.reduce((sum, entry) => sum + entry.bytes, 0);
    if (pending.length + 1 > limits.maxMessages || pendingBytes + encoded.wire.length > limits.maxBytes) {
      throw new WakuPeersError("OUTBOX_FULL", [
        `send: ${pending.length} messages (${pendingBytes} bytes) waiting; ` +
          `limits ${limits.maxMessages} messages, ${limits.maxBytes} bytes`,
      ]);
    }
    const entry: Entry = {
      id: sendOptions.id ?? `${createdAt.toString(36)}-${Math.floor(random() * 2 ** 32).toString(36)}`,
      hash: encoded.hash,
      contentTopic: encoded.contentTopic,
      pubsubTopic: encoded.pubsubTopic,
      status: "queued",
      createdAt,
      bytes: encoded.wire.length,
      attempts: 0,
      lastError: undefined,
      nextAttemptAt: undefined,
      sentTo: undefined,
      sentAt: undefined,
      confirmedAt: undefined,
      wire: encoded.wire,
      tried: [],
    };
    entries.set(entry.id, entry);
    changed();
    // Durable before the caller hears about it (a failing storage leaves it in memory, reported).
    await persist(entry);
    drain();
    return { id: entry.id, hash: entry.hash };
  }

  return {
    send,
    get: (id) => publicItem(entries.get(id)),
    getSnapshot() {
      if (snapshot === undefined) {
        const items = [...entries.values()].sort((a, b) => a.createdAt - b.createdAt).flatMap((entry) => publicItem(entry) ?? []);
        snapshot = Object.freeze({
          items: Object.freeze(items),
          pending: items.filter((item) => PENDING.has(item.status)).length,
          canSend,
          draining,
          storageError,
        });
      }
      return snapshot;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    onCanSend(listener) {
      canSendListeners.add(listener);
      return () => {
        canSendListeners.delete(listener);
      };
    },
    ready,
    stop() {
      if (stopped) return;
      stopped = true;
      stopController.abort();
      unsubscribeManager();
      if (wakeTimer !== undefined) clock.clearTimeout(wakeTimer.handle);
      if (confirmTimer !== undefined) clock.clearTimeout(confirmTimer);
      if (reloadTimer !== undefined) clock.clearTimeout(reloadTimer);
      channel?.close();
      listeners.clear();
      canSendListeners.clear();
    },
  };
}

/** The public view of an entry (the wire bytes and tried peers stay inside). */
const publicItems = new WeakMap<Entry, OutboxItem>();
function publicItem(entry: Entry | undefined): OutboxItem | undefined {
  if (entry === undefined) return undefined;
  let item = publicItems.get(entry);
  if (item === undefined) {
    const { wire: _wire, tried: _tried, ...rest } = entry;
    item = Object.freeze(rest);
    publicItems.set(entry, item);
  }
  return item;
}

function sameRecord(a: OutboxRecord, b: OutboxRecord): boolean {
  return (
    a.status === b.status &&
    a.attempts === b.attempts &&
    a.confirmedAt === b.confirmedAt &&
    a.sentAt === b.sentAt &&
    a.lastError === b.lastError
  );
}

function resolveEncoder(context: MessageContext, options: CreateOutboxOptions): IEncoder {
  const hasTopic = typeof options?.contentTopic === "string" && options.contentTopic.length > 0;
  if (hasTopic === (options?.encoder !== undefined)) {
    throw new WakuPeersError("INVALID_OPTIONS", [
      "createOutbox: give exactly one of contentTopic (a non-empty string) or encoder",
    ]);
  }
  return encoderOf(context.node, (options.encoder ?? options.contentTopic) as string | IEncoder);
}

function browserLocks(): DrainLocks | undefined {
  const locks = (globalThis as { navigator?: { locks?: DrainLocks } }).navigator?.locks;
  return typeof locks?.request === "function" ? locks : undefined;
}

interface Channel {
  postMessage(message: unknown): void;
  close(): void;
}

/** Tabs sharing an outbox tell each other to read storage again; nothing where BroadcastChannel is missing. */
function openChannel(name: string, onMessage: () => void): Channel | undefined {
  const Constructor = (
    globalThis as { BroadcastChannel?: new (name: string) => Channel & { onmessage: unknown; unref?: () => void } }
  ).BroadcastChannel;
  if (Constructor === undefined) return undefined;
  try {
    const channel = new Constructor(name);
    channel.onmessage = onMessage;
    // In Node, an open channel would keep the process alive.
    channel.unref?.();
    return channel;
  } catch {
    return undefined;
  }
}
