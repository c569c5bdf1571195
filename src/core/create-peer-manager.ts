import { createCommitScheduler } from "./commit-scheduler.js";
import { findDialCandidates, orderDialCandidates } from "./dial-candidates.js";
import { WakuPeersError } from "./errors.js";
import { EventLog } from "./event-log.js";
import { computeHealth, NO_PEERS } from "./health.js";
import type { LostConnectionSignal } from "./lost-connection.js";
import { createLostConnectionTracker } from "./lost-connection.js";
import type { WakuNodeLike } from "./node-boundary.js";
import { PeerTable } from "./peer-table.js";
import type { ReconnectContext } from "./reconnect.js";
import { errorMessage, runReconnect } from "./reconnect.js";
import type { CreatePeerManagerOptions } from "./resolve-options.js";
import { isDuration, resolveOptions } from "./resolve-options.js";
import { scoreAfterFailure, scoreAfterSuccess } from "./score.js";
import { deriveStatus } from "./status.js";
import type { WakuPeersStore } from "./store.js";
import { createInitialState, createPeersStore, IDLE_RECOVERY } from "./store.js";
import type {
  PeerEvent,
  PeerEventType,
  PeerManager,
  ProtocolName,
  ReconnectOptions,
  ReconnectResult,
  RecoveryState,
  WakuPeersState,
} from "./types.js";
import { watchNode } from "./watch-node.js";

/** The manager `createPeerManager` returns: its store also takes selector subscriptions. */
export interface WakuPeerManager extends PeerManager {
  readonly store: WakuPeersStore;
}

/**
 * Attaches to a Waku node and keeps a store with the truth about its peers: status, health per
 * protocol, the peer table, recovery progress, the lost-connection signal and recent events.
 *
 * The node's libp2p is the source of truth (connections × identified protocols), read in full at
 * attach and then followed through its events. Events only mark what changed; the store is
 * written at most once per microtask, and only with slices that really changed.
 *
 * @throws {WakuPeersError} on invalid options or when `node` is not a Waku node.
 */
export function createPeerManager(node: WakuNodeLike, options?: CreatePeerManagerOptions): WakuPeerManager {
  assertWakuNode(node);
  const config = resolveOptions(options);
  const { clock, requirements } = config;
  const { libp2p } = node;

  const store = createPeersStore(createInitialState(requirements));
  const table = new PeerTable(libp2p);
  const log = new EventLog(config.maxEvents);
  const lostListeners = new Set<(signal: LostConnectionSignal) => void>();
  const pendingSignals: LostConnectionSignal[] = [];
  const stopController = new AbortController();

  let stopped = false;
  let online = config.environment.isOnline();
  let recovery: RecoveryState = IDLE_RECOVERY;
  let lastError: string | undefined;
  let inflightReconnect: Promise<ReconnectResult> | undefined;

  const logEvent = (type: PeerEventType, peerId?: string, detail?: string): void => {
    const event: PeerEvent = { at: clock.now(), type };
    if (peerId !== undefined) event.peerId = peerId;
    if (detail !== undefined) event.detail = detail;
    log.push(event);
  };
  const updateRecovery = (patch: Partial<RecoveryState>): void => {
    recovery = { ...recovery, ...patch };
  };

  const scheduler = createCommitScheduler(commit);
  const lost = createLostConnectionTracker(clock, config.lostConnectionGraceMs, (signal) => {
    pendingSignals.push(signal);
    scheduler.schedule();
  });
  const watcher = watchNode(libp2p, table, { changed: scheduler.schedule, event: logEvent });
  const unsubscribeEnvironment = config.environment.subscribe((event) => {
    online = event.type === "online";
    logEvent("hint", undefined, event.type);
    scheduler.schedule();
  });

  /** Folds every pending change into one store update; no update when nothing changed. */
  function commit(): void {
    if (stopped) return;
    watcher.readMissingPeerData();
    const previous = store.getState();
    const { peers, counts } = table.commit(previous.peers);
    const health = computeHealth(counts, requirements, previous.health);
    const status = deriveStatus({
      started: true,
      stopped: false,
      health: health.overall,
      everConnected: previous.firstConnectedAt !== undefined,
      online,
    });
    let firstConnectedAt = previous.firstConnectedAt;
    if (status !== previous.status) {
      logEvent("status", undefined, status);
      if (status === "connected") {
        if (firstConnectedAt === undefined) firstConnectedAt = clock.now();
        else updateRecovery({ lastRecoveredAt: clock.now() });
      }
      lost.update(status);
    }
    const next: WakuPeersState = {
      status,
      health,
      peers,
      recovery,
      lost: lost.state,
      events: log.snapshot(),
      lastError,
      online,
      firstConnectedAt,
    };
    if (!sameSlices(next, previous)) store.setState(next, true);
    deliverLostSignals();
  }

  function deliverLostSignals(): void {
    while (pendingSignals.length > 0) {
      const signal = pendingSignals.shift() as LostConnectionSignal;
      for (const listener of [...lostListeners]) {
        try {
          listener(signal);
        } catch (error) {
          // One broken listener must not starve the others; the error still becomes visible.
          lastError = `lost-connection listener failed: ${errorMessage(error)}`;
          scheduler.schedule();
        }
      }
    }
  }

  const reconnectContext: ReconnectContext = {
    libp2p,
    clock,
    concurrency: config.dialConcurrency,
    rediscover: config.rediscover,
    candidates: async () =>
      orderDialCandidates(await findDialCandidates(libp2p, (id) => table.get(id)?.score)),
    requirementsMet: () => store.getState().health.overall === "healthy",
    whenRequirementsMet: (callback) =>
      store.subscribe(
        (state) => state.health.overall === "healthy",
        (met) => {
          if (met) callback();
        },
      ),
    status: () => store.getState().status,
    progress: (progress) => {
      updateRecovery({ progress });
      scheduler.schedule();
    },
    dialFailed: (candidate, reason) => {
      const record = table.get(candidate.id);
      if (record !== undefined) {
        table.updateScore(record, record.score, { protocol: "dial", reason, at: clock.now() });
      }
      logEvent("peer:dial-failed", candidate.id, reason);
      scheduler.schedule();
    },
    failed: (reason) => {
      lastError = reason;
      updateRecovery({ lastError: reason });
      logEvent("reconnect", undefined, reason);
      scheduler.schedule();
    },
  };

  function reconnect(reconnectOptions: ReconnectOptions = {}): Promise<ReconnectResult> {
    if (stopped) return Promise.resolve(refusedReconnect("the peer manager is stopped"));
    // A second press while one runs joins it: two runs would only race for the same peers.
    if (inflightReconnect !== undefined) return inflightReconnect;
    const timeoutMs = reconnectOptions.timeoutMs ?? config.reconnectTimeoutMs;
    if (!isDuration(timeoutMs)) {
      return Promise.resolve(refusedReconnect(`timeoutMs must be a finite number of ms >= 0, got ${String(timeoutMs)}`));
    }
    const hard = reconnectOptions.hard === true;
    updateRecovery({
      inProgress: true,
      manual: true,
      progress: { dialed: 0, total: 0, succeeded: 0 },
      lastError: undefined,
    });
    logEvent("reconnect", undefined, hard ? "hard reconnect started" : "reconnect started");
    commit();
    const running = runReconnect(reconnectContext, { hard, timeoutMs }, stopController.signal).then((result) => {
      inflightReconnect = undefined;
      if (stopped) return result;
      updateRecovery({ inProgress: false, manual: false, lastError: result.error });
      if (result.error !== undefined) lastError = result.error;
      logEvent(
        "reconnect",
        undefined,
        result.ok ? `reconnected in ${result.durationMs} ms` : `reconnect failed: ${result.error ?? "unknown"}`,
      );
      // Synchronously, so the caller resuming after `await reconnect()` reads the final state.
      commit();
      return result;
    });
    inflightReconnect = running;
    return running;
  }

  function refusedReconnect(error: string): ReconnectResult {
    return { ok: false, status: store.getState().status, durationMs: 0, dialed: 0, error };
  }

  function adjustScore(peerId: string, protocol: ProtocolName, failed: boolean, reason?: string): void {
    if (stopped) return;
    const record = table.get(peerId);
    if (record === undefined) return;
    if (failed) {
      const failure = { protocol, reason: reason ?? "unspecified", at: clock.now() };
      table.updateScore(record, scoreAfterFailure(record.score), failure);
      logEvent("peer:failure", peerId, `${protocol}: ${failure.reason}`);
    } else {
      table.updateScore(record, scoreAfterSuccess(record.score));
    }
    scheduler.schedule();
  }

  function stop(): void {
    if (stopped) return;
    stopped = true;
    scheduler.cancel();
    watcher.detach();
    unsubscribeEnvironment();
    lost.fail();
    lost.dispose();
    table.clear();
    logEvent("status", undefined, "disconnected");
    updateRecovery({ inProgress: false, manual: false });
    const previous = store.getState();
    // Nothing is watched any more, so nothing is claimed: no peers, unhealthy, disconnected.
    store.setState(
      {
        ...previous,
        status: "disconnected",
        health: computeHealth(NO_PEERS, requirements, previous.health),
        peers: Object.freeze({}),
        recovery,
        lost: lost.state,
        events: log.snapshot(),
      },
      true,
    );
    stopController.abort();
    deliverLostSignals();
    lostListeners.clear();
  }

  commit();

  return {
    store,
    reconnect,
    reportFailure: (peerId, protocol, reason) => adjustScore(peerId, protocol, true, reason),
    reportSuccess: (peerId, protocol) => adjustScore(peerId, protocol, false),
    onLostConnection(listener) {
      if (stopped) return () => {};
      lostListeners.add(listener);
      return () => {
        lostListeners.delete(listener);
      };
    },
    stop,
  };
}

function sameSlices(a: WakuPeersState, b: WakuPeersState): boolean {
  for (const key of Object.keys(a) as (keyof WakuPeersState)[]) {
    if (a[key] !== b[key]) return false;
  }
  return true;
}

function assertWakuNode(node: unknown): asserts node is WakuNodeLike {
  const libp2p = (node as Partial<WakuNodeLike> | null | undefined)?.libp2p;
  const missing = (["getConnections", "addEventListener", "removeEventListener", "dial"] as const).filter(
    (method) => typeof libp2p?.[method] !== "function",
  );
  if (libp2p === undefined || missing.length > 0 || typeof libp2p.peerStore?.get !== "function") {
    throw new WakuPeersError("INVALID_NODE", [
      "expected a Waku node with a started libp2p (node.libp2p with getConnections, peerStore, event listeners and dial)",
    ]);
  }
}
