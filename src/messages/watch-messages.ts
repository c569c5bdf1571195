import type { IDecodedMessage, IDecoder } from "@waku/sdk";

import { WakuPeersError } from "../core/errors.js";
import { systemClock, type TimerHandle } from "../core/lifetime/clock.js";
import type { WakuPeersState } from "../core/types.js";
import { BoundedHashSet } from "./bounded-hash-set.js";
import { fetchGap } from "./fetch-gap.js";
import { isServing, lossSignals, type BackfillReason } from "./loss-signals.js";
import { decoderOf, filterUsesConnectedPeer, hashOf, subscribeFilter, type FilterHandle } from "./sdk-adapter.js";
import { resolveStorage, type MessageStorage } from "./storage.js";
import type { TimeRange } from "./time-windows.js";
import { loadTopicMemory, saveTopicMemory, topicMemoryKey, MAX_REMEMBERED_HASHES } from "./topic-memory.js";
import type {
  BackfillOptions,
  MessageContext,
  MessageSource,
  MessageWatcher,
  ReceivedMessage,
  SyncState,
  SyncStatus,
  UnfilledRange,
  WatchMessagesOptions,
} from "./types.js";

const DEFAULT_BACKFILL: Required<BackfillOptions> = {
  overlapMs: 5_000,
  maxRangeMs: 7 * 24 * 60 * 60 * 1000,
  pageSize: 100,
  initialRangeMs: 0,
  settleMs: 250,
  storePeerWaitMs: 5_000,
  filterReadyWaitMs: 3_000,
};
const DEFAULT_DEDUPE_CAPACITY = 10_000;
const SAVE_DEBOUNCE_MS = 500;
/** How often a pending back-fill re-checks readiness the manager's state cannot announce (the SDK's filter peers). */
const READINESS_POLL_MS = 50;
const MAX_UNFILLED_RANGES = 20;
const SUBSCRIBE_RETRY_MS = 1_000;
/** Unfilled ranges are asked for again after these delays (the last repeats) while a store peer is connected. */
const LAST_GAP_RETRY_MS = 60_000;
const GAP_RETRY_MS = [2_000, 5_000, 15_000, LAST_GAP_RETRY_MS];

/** A back-fill asked for and not yet finished. */
interface BackfillRequest {
  reason: BackfillReason;
  range: TimeRange;
  /** When messages may have started to go missing: ranks the store peers. */
  gapStartedAt: number;
  /** When connectivity was seen back (for the waits on store peer and filter). */
  availableSince: number | undefined;
}

/**
 * Follows one content topic: live messages through filter, and a store back-fill of the gap after
 * every event that can have cost messages — back to `connected`, `lost` → `restored`, a filter peer
 * gone (killed, frozen, replaced), a resume/visible/online hint, and the app's start (from the
 * last-seen time remembered in `storage`). Filter and store share one bounded dedupe set, so the
 * app gets each message once; live messages that arrive while a gap is being filled are held and
 * delivered with it in timestamp order. `getSync()` tells whether delivery is live, back-filling,
 * unavailable, or has a gap it could not fill — a gap is always reported, never silent.
 *
 * Ephemeral messages are never stored by Waku nodes, so a gap in them cannot be back-filled.
 *
 * @throws {WakuPeersError} `INVALID_OPTIONS` without exactly one of `contentTopic` / `decoder`, or without `onMessage`.
 *
 * @example
 * const watcher = watchMessages({ node, manager }, {
 *   contentTopic: "/my-app/1/chat/proto",
 *   onMessage: ({ message, source }) => console.log(source, bytesToUtf8(message.payload)),
 * });
 * watcher.subscribeSync((sync) => console.log(sync.status, sync.unfilled));
 * // later
 * watcher.stop();
 */
export function watchMessages<T extends IDecodedMessage = IDecodedMessage>(
  context: MessageContext,
  options: WatchMessagesOptions<T>,
): MessageWatcher {
  const { node, manager } = context;
  const decoder = resolveDecoder(context, options);
  const clock = options.clock ?? systemClock;
  const backfillEnabled = options.backfill !== false;
  const settings = { ...DEFAULT_BACKFILL, ...(options.backfill === false ? {} : options.backfill) };
  settings.pageSize = Math.min(100, Math.max(1, Math.floor(settings.pageSize)));
  const storage: MessageStorage | undefined = options.storage === false ? undefined : resolveStorage(options.storage);
  const memoryKey = topicMemoryKey(decoder.pubsubTopic, decoder.contentTopic);
  const seen = new BoundedHashSet(options.dedupeCapacity ?? DEFAULT_DEDUPE_CAPACITY);
  const startedAt = clock.now();

  let stopped = false;
  let sequence = 0;
  let lastSeenAt: number | undefined;
  /** Delivered hashes with their timestamps, for the remembered overlap. */
  let recent: { hash: string; timestamp: number }[] = [];
  let held: ReceivedMessage<T>[] = [];
  let filter: FilterHandle | undefined;
  let pending: BackfillRequest | undefined;
  let running = false;
  let unfilled: UnfilledRange[] = [];
  let gapRetries = 0;
  let gapRetryScheduled = false;
  let lastBackfill: SyncState["lastBackfill"];
  let sync: SyncState = { status: "unavailable", lastSeenAt: undefined, unfilled, lastBackfill: undefined };
  const syncListeners = new Set<(sync: SyncState) => void>();
  const timers = new Set<TimerHandle>();
  /** The last time delivery was seen working (available, nothing pending): where a gap starts at the latest. */
  let liveAt = startedAt;
  /** Loss signals count only once delivery has worked: the first connection loses nothing (start-up has its own back-fill). */
  let everAvailable = false;
  let saveTimer: TimerHandle | undefined;
  let pollTimer: TimerHandle | undefined;

  const later = (ms: number, run: () => void): void => {
    const timer = clock.setTimeout(() => {
      timers.delete(timer);
      if (!stopped) run();
    }, ms);
    timers.add(timer);
  };

  // --- delivery -------------------------------------------------------------------------------

  const toReceived = (message: T, source: MessageSource): ReceivedMessage<T> => ({
    hash: message.hashStr ?? hashOf(decoder.pubsubTopic, message),
    timestamp: message.timestamp?.getTime() ?? clock.now(),
    source,
    sequence: 0,
    message,
  });

  /** Delivers in timestamp order, each message once. */
  function deliver(batch: ReceivedMessage<T>[]): number {
    batch.sort((a, b) => a.timestamp - b.timestamp || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
    for (const received of batch) {
      const numbered = { ...received, sequence: ++sequence };
      if (lastSeenAt === undefined || numbered.timestamp > lastSeenAt) lastSeenAt = numbered.timestamp;
      recent.push({ hash: numbered.hash, timestamp: numbered.timestamp });
      try {
        options.onMessage(numbered);
      } catch (error) {
        // An app callback that throws must neither stop delivery nor vanish.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    if (batch.length > 0) scheduleSave();
    return batch.length;
  }

  function onFilterMessage(message: T): void {
    if (stopped) return;
    const received = toReceived(message, "filter");
    if (!seen.add(received.hash)) return;
    if (pending !== undefined || running) held.push(received);
    else {
      deliver([received]);
      updateSync();
    }
  }

  // --- remembered state -------------------------------------------------------------------------

  function scheduleSave(): void {
    if (storage === undefined || saveTimer !== undefined) return;
    saveTimer = clock.setTimeout(() => {
      saveTimer = undefined;
      void save();
    }, SAVE_DEBOUNCE_MS);
  }

  async function save(): Promise<void> {
    if (storage === undefined || lastSeenAt === undefined) return;
    const keepFrom = lastSeenAt - 2 * settings.overlapMs;
    recent = recent.filter((entry) => entry.timestamp >= keepFrom).slice(-MAX_REMEMBERED_HASHES);
    await saveTopicMemory(storage, memoryKey, { lastSeenAt, recentHashes: recent.map((entry) => entry.hash) });
  }

  // --- back-fill ------------------------------------------------------------------------------

  /** Where a gap starts: just before the newest message seen (or this run's start). */
  function gapRangeFrom(since: number | undefined): number {
    const base = since ?? startedAt;
    return Math.max(base - settings.overlapMs, clock.now() - settings.maxRangeMs);
  }

  /**
   * `gapStartedAt`: when messages may have started to go missing (default: the last message seen, or the last time
   * delivery was live).
   */
  function request(
    reason: BackfillReason,
    from = gapRangeFrom(lastSeenAt),
    gapStartedAt = Math.min(lastSeenAt ?? liveAt, liveAt),
  ): void {
    if (stopped || !backfillEnabled) return;
    if (pending !== undefined) {
      pending.range.from = Math.min(pending.range.from, from);
      pending.gapStartedAt = Math.min(pending.gapStartedAt, gapStartedAt);
    } else {
      pending = { reason, range: { from, to: clock.now() }, gapStartedAt, availableSince: undefined };
    }
    updateSync();
    evaluate();
  }

  /** Starts the pending back-fill once store and filter are usable, or reports the gap when no store peer comes. */
  function evaluate(): void {
    if (stopped || running || pending === undefined) return;
    const state = manager.store.getState();
    if (!isAvailable(state)) {
      pending.availableSince = undefined;
      return;
    }
    const now = clock.now();
    pending.availableSince ??= now;
    const waited = now - pending.availableSince;
    const hasStorePeer = Object.values(state.peers).some((peer) => peer.connected && peer.protocols.includes("store"));
    if (!hasStorePeer) {
      if (waited >= settings.storePeerWaitMs) void run(pending, true);
      else pollSoon();
      return;
    }
    // The gap is read at once; the settle pass after it waits for filter to be live again.
    void run(pending, false);
  }

  function pollSoon(): void {
    if (pollTimer !== undefined) return;
    pollTimer = clock.setTimeout(() => {
      pollTimer = undefined;
      if (!stopped) evaluate();
    }, READINESS_POLL_MS);
  }

  async function run(current: BackfillRequest, noStorePeer: boolean): Promise<void> {
    pending = undefined;
    running = true;
    updateSync();
    try {
      await firstPass(current, noStorePeer);
    } catch (error) {
      // Nothing here should throw; if something does, the gap is reported rather than lost.
      unfilled = mergeUnfilled([
        ...unfilled,
        { from: current.range.from, to: clock.now(), reason: `back-fill failed: ${String(error)}` },
      ]);
      finishRun();
    }
  }

  async function firstPass(current: BackfillRequest, noStorePeer: boolean): Promise<void> {
    const startedRun = clock.now();
    // Up to now plus the overlap: a publisher's clock may run a little ahead of ours.
    const range = { from: current.range.from, to: startedRun + settings.overlapMs };
    const fetched = noStorePeer
      ? { messages: [] as T[], peers: [] as string[], error: "no store peer", uncovered: undefined }
      : await fetchGap(
          { node, decoder, pageSize: settings.pageSize, peers: manager.store.getState().peers },
          range,
          current.gapStartedAt,
        );
    if (stopped) return;
    const fresh = fetched.messages.map((message) => toReceived(message, "store")).filter((received) => seen.add(received.hash));
    // Held live messages no newer than what the store returned go out with it, in order.
    const newestFound = fresh.reduce((newest, received) => Math.max(newest, received.timestamp), Number.NEGATIVE_INFINITY);
    const releasable = held.filter((received) => received.timestamp <= newestFound);
    held = held.filter((received) => received.timestamp > newestFound);
    deliver([...fresh, ...releasable]);
    recordOutcome(current.reason, range, fetched, fresh.length, startedRun);
    if (
      fetched.error === undefined &&
      settings.settleMs > 0 &&
      current.reason !== "store-peer-available" &&
      current.reason !== "retry"
    ) {
      // One short pass once filter is live again (the SDK re-subscribes 50–300 ms after its peers are
      // back), for what reached neither path meanwhile; live messages stay held until then.
      settleWhenFilterIsLive(startedRun, clock.now());
      return;
    }
    finishRun();
  }

  function settleWhenFilterIsLive(firstPassStartedAt: number, waitingSince: number): void {
    const live = filterUsesConnectedPeer(node, decoder.pubsubTopic) !== false;
    if (!live && clock.now() - waitingSince < settings.filterReadyWaitMs) {
      later(READINESS_POLL_MS, () => settleWhenFilterIsLive(firstPassStartedAt, waitingSince));
      return;
    }
    later(settings.settleMs, () => {
      settle(firstPassStartedAt).catch(() => {
        deliver(held);
        held = [];
        finishRun();
      });
    });
  }

  async function settle(firstPassStartedAt: number): Promise<void> {
    const range = { from: firstPassStartedAt - settings.overlapMs, to: clock.now() + settings.overlapMs };
    const fetched = await fetchGap(
      { node, decoder, pageSize: settings.pageSize, peers: manager.store.getState().peers },
      range,
      firstPassStartedAt,
    );
    if (stopped) return;
    const fresh = fetched.messages.map((message) => toReceived(message, "store")).filter((received) => seen.add(received.hash));
    if (lastBackfill !== undefined)
      lastBackfill = {
        ...lastBackfill,
        found: lastBackfill.found + fetched.messages.length,
        delivered: lastBackfill.delivered + fresh.length,
      };
    deliver([...fresh, ...held]);
    held = [];
    finishRun();
  }

  function finishRun(): void {
    running = false;
    scheduleGapRetry();
    if (pending === undefined) {
      deliver(held);
      held = [];
    }
    updateSync();
    evaluate();
  }

  /** A back-fill of every unfilled range; a range starts an overlap before the message last seen when its gap began. */
  function requestUnfilled(reason: BackfillReason): void {
    const since = Math.min(...unfilled.map((gap) => gap.from));
    request(reason, since, since + settings.overlapMs);
  }

  /** Another try at the unfilled ranges later (a store that failed may answer then), with growing delays. */
  function scheduleGapRetry(): void {
    if (unfilled.length === 0) {
      gapRetries = 0;
      return;
    }
    if (gapRetryScheduled) return;
    const delay = GAP_RETRY_MS[Math.min(gapRetries, GAP_RETRY_MS.length - 1)] ?? LAST_GAP_RETRY_MS;
    gapRetries++;
    gapRetryScheduled = true;
    later(delay, () => {
      gapRetryScheduled = false;
      if (unfilled.length === 0 || pending !== undefined || running) return;
      requestUnfilled("retry");
    });
  }

  function recordOutcome(
    reason: BackfillReason,
    range: TimeRange,
    fetched: { messages: readonly unknown[]; peers: string[]; error: string | undefined; uncovered: TimeRange | undefined },
    delivered: number,
    startedRun: number,
  ): void {
    const ok = fetched.error === undefined;
    lastBackfill = {
      reason,
      from: range.from,
      to: range.to,
      found: fetched.messages.length,
      delivered,
      peers: fetched.peers,
      startedAt: startedRun,
      durationMs: clock.now() - startedRun,
      ok,
    };
    if (!ok) {
      unfilled = mergeUnfilled([...unfilled, { from: range.from, to: range.to, reason: fetched.error ?? "unknown" }]);
      return;
    }
    // Whatever this range covered is filled now; a start no store peer reached is reported, and retried when one appears.
    unfilled = unfilled.filter((gap) => gap.from < range.from || gap.to > range.to);
    if (fetched.uncovered !== undefined) {
      unfilled = mergeUnfilled([
        ...unfilled,
        { ...fetched.uncovered, reason: "no store peer reached covers the start of the gap" },
      ]);
    }
  }

  // --- state ----------------------------------------------------------------------------------

  function isAvailable(state: WakuPeersState): boolean {
    return isServing(state) && filter !== undefined;
  }

  function updateSync(): void {
    if (stopped) return;
    const state = manager.store.getState();
    let status: SyncStatus;
    if (isAvailable(state)) everAvailable = true;
    if (!isAvailable(state)) status = "unavailable";
    else if (pending !== undefined || running) status = "backfilling";
    else if (unfilled.length > 0) status = "gap";
    else status = "live";
    if (status === "live" || status === "gap") liveAt = clock.now();
    if (
      status === sync.status &&
      lastSeenAt === sync.lastSeenAt &&
      unfilled === sync.unfilled &&
      lastBackfill === sync.lastBackfill
    )
      return;
    sync = { status, lastSeenAt, unfilled, lastBackfill };
    for (const listener of [...syncListeners]) listener(sync);
  }

  const unsubscribeManager = manager.store.subscribe((next, previous) => {
    if (stopped) return;
    if (everAvailable) for (const reason of lossSignals(previous, next)) request(reason);
    if (unfilled.length > 0 && pending === undefined && !running && storePeerAppeared(previous, next)) {
      requestUnfilled("store-peer-available");
    }
    updateSync();
    evaluate();
  });

  // --- start ----------------------------------------------------------------------------------

  /** The SDK keeps a registered subscription going on its own; only a call that throws is tried again. */
  async function subscribe(): Promise<void> {
    try {
      const handle = await subscribeFilter(node, decoder, onFilterMessage);
      if (stopped) void handle.unsubscribe().catch(() => {});
      else filter = handle;
    } catch {
      later(
        SUBSCRIBE_RETRY_MS,
        () =>
          void subscribe().then(() => {
            updateSync();
            evaluate();
          }),
      );
    }
  }

  const ready = (async () => {
    if (storage !== undefined) {
      const memory = await loadTopicMemory(storage, memoryKey);
      for (const hash of memory.recentHashes) seen.add(hash);
      if (memory.lastSeenAt !== undefined && (lastSeenAt === undefined || memory.lastSeenAt > lastSeenAt))
        lastSeenAt = memory.lastSeenAt;
    }
    if (stopped) return;
    // Subscribed before the start-up back-fill, so nothing published meanwhile falls between the two.
    await subscribe();
    if (stopped) return;
    if (lastSeenAt !== undefined) request("app-start");
    else if (settings.initialRangeMs > 0)
      request("app-start", Math.max(clock.now() - settings.initialRangeMs, clock.now() - settings.maxRangeMs));
    updateSync();
    evaluate();
  })();

  return {
    getSync: () => sync,
    subscribeSync(listener) {
      syncListeners.add(listener);
      return () => {
        syncListeners.delete(listener);
      };
    },
    backfill: () => request("manual"),
    ready,
    stop() {
      if (stopped) return;
      // The last delivered messages are remembered before anything is torn down.
      if (saveTimer !== undefined) clock.clearTimeout(saveTimer);
      void save();
      stopped = true;
      unsubscribeManager();
      for (const timer of timers) clock.clearTimeout(timer);
      timers.clear();
      if (pollTimer !== undefined) clock.clearTimeout(pollTimer);
      syncListeners.clear();
      void filter?.unsubscribe().catch(() => {});
    },
  };
}

function resolveDecoder<T extends IDecodedMessage>(context: MessageContext, options: WatchMessagesOptions<T>): IDecoder<T> {
  const issues: string[] = [];
  if (typeof options?.onMessage !== "function") issues.push("onMessage must be a function");
  const hasTopic = typeof options?.contentTopic === "string" && options.contentTopic.length > 0;
  if (hasTopic === (options?.decoder !== undefined))
    issues.push("give exactly one of contentTopic (a non-empty string) or decoder");
  if (issues.length > 0)
    throw new WakuPeersError(
      "INVALID_OPTIONS",
      issues.map((issue) => `watchMessages: ${issue}`),
    );
  return decoderOf(context.node, (options.decoder ?? options.contentTopic) as string | IDecoder<T>);
}

function storePeerAppeared(previous: WakuPeersState, next: WakuPeersState): boolean {
  if (previous.peers === next.peers) return false;
  return Object.entries(next.peers).some(
    ([id, peer]) =>
      peer.connected &&
      peer.protocols.includes("store") &&
      !(previous.peers[id]?.connected && previous.peers[id]?.protocols.includes("store")),
  );
}

/** Overlapping ranges become one (the earliest reason kept); the list stays bounded. */
function mergeUnfilled(ranges: UnfilledRange[]): UnfilledRange[] {
  const sorted = [...ranges].sort((a, b) => a.from - b.from);
  const merged: UnfilledRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && range.from <= last.to) merged[merged.length - 1] = { ...last, to: Math.max(last.to, range.to) };
    else merged.push({ ...range });
  }
  return merged.slice(-MAX_UNFILLED_RANGES);
}
