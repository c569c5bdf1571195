import { hasProtocol, hasTag } from "./codecs.js";
import { createCommitScheduler } from "./commit-scheduler.js";
import { CANARY_MISS_PENALTY, DEFAULT_DIAL_TIMEOUT_MS, FAILURE_PENALTY, PROBATION_SCORE } from "./constants.js";
import type { DialCandidate } from "./dial-candidates.js";
import { findDialCandidates } from "./dial-candidates.js";
import { installDialGate } from "./dial-gate.js";
import type { EnvironmentHint } from "./environment.js";
import { WakuPeersError, errorMessage } from "./errors.js";
import { EventLog } from "./event-log.js";
import type { FilterCanary } from "./filter-canary.js";
import { startFilterCanary } from "./filter-canary.js";
import { computeHealth, NO_PEERS } from "./health.js";
import type { Liveness, LivenessRound, LivenessTarget } from "./liveness.js";
import { startLiveness } from "./liveness.js";
import type { LostConnectionSignal } from "./lost-connection.js";
import { createLostConnectionTracker } from "./lost-connection.js";
import { parseMultiaddr as defaultParseMultiaddr, peerIdOfAddress } from "./multiaddr.js";
import type { ConnectionLike, PeerIdLike, WakuNodeLike } from "./node-boundary.js";
import type { PeerCacheKeeper } from "./peer-cache-keeper.js";
import { createPeerCacheKeeper } from "./peer-cache-keeper.js";
import { createPeerBlocks, orderDialCandidates, planBootstrapLimit } from "./peer-policy.js";
import type { ServicePeer } from "./peer-policy.js";
import type { PeerRecord } from "./peer-table.js";
import { PeerTable } from "./peer-table.js";
import type { ProtocolObserver } from "./protocol-failures.js";
import { observeProtocols } from "./protocol-failures.js";
import type { ReconnectContext } from "./reconnect.js";
import { runReconnect } from "./reconnect.js";
import type { RecoveryLoop } from "./recovery.js";
import { createRecoveryLoop } from "./recovery.js";
import type { CreatePeerManagerOptions } from "./resolve-options.js";
import { isDuration, resolveOptions } from "./resolve-options.js";
import { isBelowThreshold, scoreAfterFailure, scoreAfterSuccess } from "./score.js";
import { deriveStatus } from "./status.js";
import type { WakuPeersStore } from "./store.js";
import { createInitialState, createPeersStore, IDLE_RECOVERY } from "./store.js";
import type {
  ConnectionStatus,
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

/** Light push, filter and store: the protocols a peer serves the app with (peer exchange only helps find them). */
const SERVICE_PROTOCOLS: readonly ProtocolName[] = ["lightPush", "filter", "store"];
/** How long a graceful hang-up may take before libp2p aborts the connection. */
const HANG_UP_TIMEOUT_MS = 2_000;
const CACHE_TAG = "peer-cache";

/**
 * Attaches to a Waku node and keeps a store with the truth about its peers: status, health per
 * protocol, the peer table, recovery progress, the lost-connection signal and recent events —
 * and keeps the node supplied with service peers (js-waku issue 914):
 *
 * - detection: libp2p's events, liveness pings on service peers, environment hints (each only
 *   triggers a check);
 * - recovery: an immediate attempt on a hint or a loss, then tiered backoff with jitter, a
 *   bounded number of dials per tick, nothing while offline;
 * - peer policy: non-bootstrap peers first, at most one bootstrap peer once others suffice,
 *   shuffled candidates, protocol failures lower a peer's score and a peer below the threshold
 *   is replaced; a canary finds filter peers that never push;
 * - a validated peer cache dialed first on the next start;
 * - `reconnect()`, and `reconnect({ hard: true })` which re-runs discovery and recreates the node.
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
  const { clock, requirements, peerPolicy } = config;
  const { libp2p } = node;
  const parseMultiaddr = config.parseMultiaddr ?? defaultParseMultiaddr;

  const store = createPeersStore(createInitialState(requirements));
  const table = new PeerTable(libp2p);
  const log = new EventLog(config.maxEvents);
  const lostListeners = new Set<(signal: LostConnectionSignal) => void>();
  const pendingSignals: LostConnectionSignal[] = [];
  const stopController = new AbortController();

  let stopped = false;
  let online = config.environment.isOnline();
  let recovery: RecoveryState = IDLE_RECOVERY;
  let autoRecovering = false;
  let manualReconnecting = false;
  let lastError: string | undefined;
  let inflightReconnect: Promise<ReconnectResult> | undefined;

  /** Bootstrap peers, remembered even after the peer store drops the tag. */
  const bootstrapIds = new Set<string>();
  for (const address of config.bootstrapPeers) {
    const id = peerIdOfAddress(address);
    if (id !== undefined) bootstrapIds.add(id);
  }
  const bootstrapAddresses = config.bootstrapPeers.flatMap((address) => {
    const id = peerIdOfAddress(address);
    if (id === undefined) return [];
    try {
      return [{ id, address: parseMultiaddr(address) }];
    } catch {
      return [];
    }
  });
  const lastDialFailure = new Map<string, number>();
  /** Timers of one-off operations (hang-ups, cache dials), cleared at once by `stop()`. */
  const operationTimers = new Set<unknown>();
  /** An abort signal that fires after `ms` on the injected clock (or at `stop()`). */
  const deadline = (ms: number): { signal: AbortSignal; done(): void } => {
    const controller = new AbortController();
    const timer = clock.setTimeout(() => {
      operationTimers.delete(timer);
      controller.abort(new Error(`timed out after ${ms} ms`));
    }, ms);
    operationTimers.add(timer);
    const onStop = (): void => controller.abort(new Error("the peer manager was stopped"));
    stopController.signal.addEventListener("abort", onStop);
    return {
      signal: controller.signal,
      done() {
        if (operationTimers.delete(timer)) clock.clearTimeout(timer);
        stopController.signal.removeEventListener("abort", onStop);
      },
    };
  };
  const loggedDialFailures = new Set<string>();

  const logEvent = (type: PeerEventType, peerId?: string, detail?: string): void => {
    const event: PeerEvent = { at: clock.now(), type };
    if (peerId !== undefined) event.peerId = peerId;
    if (detail !== undefined) event.detail = detail;
    log.push(event);
  };
  const updateRecovery = (patch: Partial<RecoveryState>): void => {
    recovery = { ...recovery, ...patch, inProgress: autoRecovering || manualReconnecting };
  };

  const scheduler = createCommitScheduler(commit);
  const lost = createLostConnectionTracker(clock, config.lostConnectionGraceMs, (signal) => {
    pendingSignals.push(signal);
    scheduler.schedule();
  });
  const gate = installDialGate(libp2p);
  const blocks = createPeerBlocks(gate, clock, (id) => {
    // Quarantine over: the peer may serve again, on probation.
    const record = table.get(id);
    if (record !== undefined && record.score < PROBATION_SCORE) table.updateScore(record, PROBATION_SCORE);
    logEvent("peer:parked", id, "quarantine over");
    scheduler.schedule();
  });
  const watcher = watchNode(libp2p, table, { changed: scheduler.schedule, event: logEvent });

  const cacheKeeper: PeerCacheKeeper | undefined =
    config.peerCache === undefined
      ? undefined
      : createPeerCacheKeeper({
          options: config.peerCache,
          clock,
          libp2p,
          parseMultiaddr,
          goodPeers: () => goodPeers(),
          excluded: (id) => blocks.reason(id) === "replaced" || bootstrapIds.has(id),
          failed: (reason) => {
            lastError = reason;
            scheduler.schedule();
          },
        });

  const loop: RecoveryLoop | undefined =
    config.recovery === undefined
      ? undefined
      : createRecoveryLoop(
          {
            clock,
            random: config.random,
            options: config.recovery,
            concurrency: config.dialConcurrency,
            requirementsMet,
            isOnline: () => online,
            paused: () => manualReconnecting,
            candidates: () => orderedCandidates(),
            dial: (candidate, signal) => dialCandidate(candidate, signal),
            dialFailed: (candidate, reason) => noteDialFailure(candidate, reason),
            state: (patch) => {
              if (patch.inProgress !== undefined) autoRecovering = patch.inProgress;
              updateRecovery(patch);
              scheduler.schedule();
            },
            gaveUp: () => {
              const reason = `gave up after ${config.recovery?.giveUpAfterMs ?? 0} ms below the requirements`;
              lastError = reason;
              updateRecovery({ lastError: reason });
              logEvent("recovery", undefined, reason);
              lost.giveUp();
              scheduler.schedule();
            },
          },
          config.recovery.startupDelayMs,
        );

  const liveness: Liveness | undefined =
    config.liveness === undefined
      ? undefined
      : startLiveness({
          libp2p,
          clock,
          intervalMs: config.liveness.intervalMs,
          timeoutMs: config.liveness.timeoutMs,
          targets: livenessTargets,
          round: onLivenessRound,
        });

  let canary: FilterCanary | undefined;
  const observer: ProtocolObserver = observeProtocols(node, {
    outcome: (peerId, protocol, ok, reason) => adjustScore(peerId, protocol, !ok, reason),
    filterPush: (peerId, pubsubTopic, contentTopic) => canary?.notePush(peerId, pubsubTopic, contentTopic),
  });
  canary =
    config.filterCanary === undefined || !observer.capabilities.filterPushes
      ? undefined
      : startFilterCanary({
          node,
          clock,
          random: config.random,
          options: config.filterCanary,
          isOnline: () => online,
          outcome: (peerId, ok, reason) => adjustScore(peerId, "filter", !ok, reason, CANARY_MISS_PENALTY),
          note: (detail) => {
            logEvent("recovery", undefined, detail);
            scheduler.schedule();
          },
        });

  const unsubscribeEnvironment = config.environment.subscribe((event) => {
    if (stopped) return;
    if (event.type === "online") online = true;
    else if (event.type === "offline") online = false;
    logEvent("hint", undefined, event.type);
    onHint(event.type);
    scheduler.schedule();
  });

  /** A hint is never proof: it triggers a check (pings, and a recovery attempt when below the requirements). */
  function onHint(hint: EnvironmentHint): void {
    switch (hint) {
      case "online":
        liveness?.checkNow();
        loop?.check({ urgent: true, resetBackoff: true });
        return;
      case "offline":
        liveness?.checkNow();
        loop?.check();
        return;
      case "visible":
      case "pageshow":
      case "resume":
        liveness?.checkNow();
        loop?.check({ urgent: true });
        return;
      case "hidden":
      case "freeze":
        return;
    }
  }

  /** Folds every pending change into one store update; no update when nothing changed. */
  function commit(): void {
    if (stopped) return;
    watcher.readMissingPeerData();
    const previous = store.getState();
    const { peers, counts } = table.commit(previous.peers);
    const health = computeHealth(counts, requirements, previous.health);
    if (health.overall === "healthy" && loop?.gaveUp === true) {
      // The requirements are met again anyway (the SDK recovered on its own): retry as usual from now on.
      loop.resume();
    }
    const status = deriveStatus({
      started: true,
      stopped: false,
      health: health.overall,
      everConnected: previous.firstConnectedAt !== undefined,
      online,
      gaveUp: loop?.gaveUp === true,
    });
    let firstConnectedAt = previous.firstConnectedAt;
    if (status !== previous.status) {
      logEvent("status", undefined, status);
      if (status === "connected") {
        if (firstConnectedAt === undefined) firstConnectedAt = clock.now();
        else updateRecovery({ lastRecoveredAt: clock.now() });
        loggedDialFailures.clear();
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
    if (peers !== previous.peers) {
      enforcePeerPolicy();
      cacheKeeper?.changed();
    }
    afterCommit(previous.status, status);
    // Policy actions above may have logged events after the store was written: publish them too.
    if (log.unpublished) scheduler.schedule();
  }

  function afterCommit(previousStatus: ConnectionStatus, status: ConnectionStatus): void {
    if (stopped || loop === undefined) return;
    // Leaving `connected` is a loss: answer it at once. Anything else waits for the schedule.
    loop.check({ urgent: previousStatus === "connected" && status !== "connected" });
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

  function requirementsMet(): boolean {
    return store.getState().health.overall === "healthy";
  }

  function isServiceRecord(record: PeerRecord): boolean {
    return SERVICE_PROTOCOLS.some((name) => hasProtocol(record.protocolMask, name));
  }

  function isBootstrap(record: PeerRecord): boolean {
    if (hasTag(record.tagMask, "bootstrap")) bootstrapIds.add(record.id);
    return bootstrapIds.has(record.id);
  }

  function* connectedRecords(): Generator<PeerRecord> {
    for (const record of table.records()) if (record.info?.connected === true) yield record;
  }

  function* goodPeers(): Generator<PeerRecord> {
    for (const record of connectedRecords()) {
      if (!isServiceRecord(record) || isBootstrap(record) || blocks.isBlocked(record.id)) continue;
      if (isBelowThreshold(record.score, peerPolicy.replaceBelowScore)) continue;
      yield record;
    }
  }

  /**
   * Issue 914's bootstrap rule, and the fallback for blocked peers that connected anyway (no dial
   * gate, or the peer dialed before it was blocked): they are hung up as soon as they appear.
   */
  function enforcePeerPolicy(): void {
    const service: ServicePeer[] = [];
    for (const record of connectedRecords()) {
      if (blocks.isBlocked(record.id)) {
        closeConnections(record.peerId, `blocked (${blocks.reason(record.id) ?? "policy"})`, false);
        continue;
      }
      if (!isServiceRecord(record)) continue;
      service.push({
        id: record.id,
        protocolMask: record.protocolMask,
        bootstrap: isBootstrap(record),
        score: record.score,
        connectedSince: record.info?.connectedSince,
      });
    }
    const plan = planBootstrapLimit(service, requirements, peerPolicy.maxBootstrapServicePeers);
    if (!plan.othersSuffice) {
      const released = blocks.unblockAll("surplus-bootstrap");
      for (const id of released) logEvent("peer:parked", id, "released: the other peers no longer meet the requirements");
      return;
    }
    for (const id of plan.surplus) {
      const record = table.get(id);
      if (record === undefined) continue;
      blocks.block(id, "surplus-bootstrap");
      logEvent("peer:parked", id, "surplus bootstrap peer: the other peers meet the requirements");
      closeConnections(record.peerId, "surplus bootstrap peer", false);
    }
  }

  /**
   * Closes every connection to a peer. `abort` for a peer that does not answer (a graceful close
   * would wait for it); a graceful hang-up otherwise, bounded in time.
   */
  function closeConnections(peerId: PeerIdLike, reason: string, abort: boolean): void {
    const connections: ConnectionLike[] = libp2p.getConnections(peerId);
    let aborted = false;
    if (abort) {
      for (const connection of connections) {
        if (typeof connection.abort !== "function") continue;
        try {
          connection.abort(new Error(reason));
          aborted = true;
        } catch {
          // fall back to hangUp below
        }
      }
    }
    if (!aborted) {
      const limit = deadline(HANG_UP_TIMEOUT_MS);
      libp2p
        .hangUp(peerId, { signal: limit.signal })
        .catch(() => {
          // Already closed, or libp2p stopping: either way the connection is going away.
        })
        .finally(limit.done);
    }
    table.touch(peerId.toString());
    scheduler.schedule();
  }

  function livenessTargets(): LivenessTarget[] {
    const targets: LivenessTarget[] = [];
    for (const record of connectedRecords()) {
      if (isServiceRecord(record)) targets.push({ id: record.id, peerId: record.peerId });
    }
    return targets;
  }

  function onLivenessRound(round: LivenessRound): void {
    if (stopped) return;
    for (const { target, rttMs } of round.answered) {
      const record = table.get(target.id);
      if (record !== undefined) table.setMeasuredRtt(record, rttMs);
    }
    // When nobody answered (or the device says offline) the silence is most likely our own network:
    // the connections are dropped all the same, but no peer is blamed.
    const ourOutage = !online || round.answered.length === 0;
    const timeoutMs = config.liveness?.timeoutMs ?? 0;
    for (const target of round.missed) {
      const reason = `no ping answer within ${timeoutMs} ms`;
      logEvent("peer:liveness-failed", target.id, reason);
      const record = table.get(target.id);
      if (record !== undefined) {
        const failure = { protocol: "ping" as const, reason, at: clock.now() };
        table.updateScore(record, ourOutage ? record.score : scoreAfterFailure(record.score, FAILURE_PENALTY), failure);
      }
      closeConnections(target.peerId, `liveness: ${reason}`, true);
    }
    scheduler.schedule();
  }

  async function orderedCandidates(): Promise<DialCandidate[]> {
    const candidates = await findDialCandidates(
      libp2p,
      {
        score: (id) => table.get(id)?.score,
        isBootstrap: (id) => bootstrapIds.has(id),
        isCached: (id) => cacheKeeper?.isCached(id) === true,
        lastDialFailureAt: (id) => lastDialFailure.get(id),
      },
      [...(cacheKeeper?.addressCandidates() ?? []), ...bootstrapAddresses],
    );
    return orderDialCandidates(candidates, {
      startup: store.getState().firstConnectedAt === undefined,
      isBlocked: (id) => blocks.isBlocked(id),
      replaceBelowScore: peerPolicy.replaceBelowScore,
      random: config.random,
      now: clock.now(),
    });
  }

  async function dialCandidate(candidate: DialCandidate, signal: AbortSignal): Promise<void> {
    const connection = (await libp2p.dial(candidate.target, { signal })) as Partial<ConnectionLike> | undefined;
    lastDialFailure.delete(candidate.id);
    if (candidate.cached && connection?.remotePeer !== undefined && typeof libp2p.peerStore.merge === "function") {
      // Shown as "peer-cache" in the peer table, like the SDK's own peer cache does.
      libp2p.peerStore.merge(connection.remotePeer, { tags: { [CACHE_TAG]: { value: 50 } } }).catch(() => {});
    }
  }

  function noteDialFailure(candidate: DialCandidate, reason: string): void {
    if (stopped) return;
    lastDialFailure.set(candidate.id, clock.now());
    const record = table.get(candidate.id);
    // A failed dial never costs score: it says as much about our network as about the peer.
    if (record !== undefined) table.updateScore(record, record.score, { protocol: "dial", reason, at: clock.now() });
    // One line per peer per outage: a minute of retries must not flush the event log.
    if (!loggedDialFailures.has(candidate.id)) {
      loggedDialFailures.add(candidate.id);
      logEvent("peer:dial-failed", candidate.id, reason);
    }
    scheduler.schedule();
  }

  /** At start, remembered peers are dialed before anything else (the SDK's bootstrap dial waits 1 s). */
  function dialCachedPeers(): void {
    if (cacheKeeper === undefined || cacheKeeper.loaded.length === 0) return;
    void orderedCandidates()
      .then(async (candidates) => {
        const cached = candidates.filter((candidate) => candidate.cached && !candidate.connected);
        const budget = config.recovery?.maxDialsPerTick ?? config.dialConcurrency;
        await Promise.all(
          cached.slice(0, budget).map(async (candidate) => {
            if (stopped) return;
            const limit = deadline(config.recovery?.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS);
            try {
              await dialCandidate(candidate, limit.signal);
            } catch (error) {
              if (!stopped) noteDialFailure(candidate, errorMessage(error));
            } finally {
              limit.done();
            }
          }),
        );
      })
      .catch((error: unknown) => {
        if (!stopped) logEvent("peer:dial-failed", undefined, `peer cache: ${errorMessage(error)}`);
      });
  }

  const reconnectContext: ReconnectContext = {
    libp2p,
    clock,
    concurrency: config.dialConcurrency,
    rediscover: config.rediscover,
    candidates: () => orderedCandidates(),
    requirementsMet,
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
    dialFailed: (candidate, reason) => noteDialFailure(candidate, reason),
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
    if (loop?.gaveUp === true) loop.resume();
    if (hard) {
      // Start over: every way in is allowed again (replaced peers stay in quarantine).
      for (const id of blocks.unblockAll("surplus-bootstrap")) logEvent("peer:parked", id, "released by a hard reconnect");
      lastDialFailure.clear();
    }
    manualReconnecting = true;
    updateRecovery({
      manual: true,
      progress: { dialed: 0, total: 0, succeeded: 0 },
      lastError: undefined,
    });
    logEvent("reconnect", undefined, hard ? "hard reconnect started" : "reconnect started");
    commit();
    const running = runReconnect(reconnectContext, { hard, timeoutMs }, stopController.signal)
      .then((result) => (hard && !result.ok && !stopped ? recreate(result) : result))
      .then((result) => {
        inflightReconnect = undefined;
        manualReconnecting = false;
        if (stopped) return result;
        updateRecovery({ manual: false, lastError: result.error });
        if (result.error !== undefined) lastError = result.error;
        logEvent(
          "reconnect",
          undefined,
          result.ok
            ? `${result.recreated === true ? "node recreated" : "reconnected"} in ${result.durationMs} ms`
            : `reconnect failed: ${result.error ?? "unknown"}`,
        );
        // Synchronously, so the caller resuming after `await reconnect()` reads the final state.
        commit();
        return result;
      });
    inflightReconnect = running;
    return running;
  }

  /** Hard reconnect, second half: discovery did not meet the requirements, so the node is recreated. */
  async function recreate(result: ReconnectResult): Promise<ReconnectResult> {
    if (config.recreateNode === undefined) {
      return { ...result, error: `${result.error ?? "requirements not met"}; no recreateNode option: the node was not recreated` };
    }
    logEvent("reconnect", undefined, "recreating the node");
    commit();
    const startedAt = clock.now();
    try {
      const outcome = await config.recreateNode();
      const ok = outcome !== false;
      const recreated: ReconnectResult = {
        ...result,
        ok,
        recreated: true,
        status: store.getState().status,
        durationMs: result.durationMs + (clock.now() - startedAt),
      };
      if (ok) delete recreated.error;
      else recreated.error = "recreateNode reported failure";
      return recreated;
    } catch (error) {
      return { ...result, recreated: true, error: `recreating the node failed: ${errorMessage(error)}` };
    }
  }

  function refusedReconnect(error: string): ReconnectResult {
    return { ok: false, status: store.getState().status, durationMs: 0, dialed: 0, error };
  }

  function adjustScore(peerId: string, protocol: ProtocolName, failed: boolean, reason?: string, penalty = FAILURE_PENALTY): void {
    if (stopped) return;
    const record = table.get(peerId);
    if (record === undefined) return;
    if (!failed) {
      table.updateScore(record, scoreAfterSuccess(record.score));
      scheduler.schedule();
      return;
    }
    const failure = { protocol, reason: reason ?? "unspecified", at: clock.now() };
    // While the device says it is offline, failures are ours, not the peer's: recorded, not scored.
    const score = online ? scoreAfterFailure(record.score, penalty) : record.score;
    table.updateScore(record, score, failure);
    logEvent("peer:failure", peerId, `${protocol}: ${failure.reason}`);
    if (isBelowThreshold(score, peerPolicy.replaceBelowScore)) replacePeer(record, `score ${score} below ${peerPolicy.replaceBelowScore}`);
    scheduler.schedule();
  }

  /** Hang up a failing peer and keep it out for the quarantine; recovery dials a spare if one is needed. */
  function replacePeer(record: PeerRecord, reason: string): void {
    if (blocks.reason(record.id) === "replaced") return;
    blocks.block(record.id, "replaced", peerPolicy.quarantineMs);
    cacheKeeper?.forget(record.id);
    logEvent("peer:replaced", record.id, reason);
    if (table.isConnected(record.id) || libp2p.getConnections(record.peerId).length > 0) {
      closeConnections(record.peerId, `replaced: ${reason}`, false);
    }
  }

  function stop(): void {
    if (stopped) return;
    stopped = true;
    scheduler.cancel();
    watcher.detach();
    unsubscribeEnvironment();
    liveness?.stop();
    loop?.stop();
    canary?.stop();
    observer.detach();
    cacheKeeper?.stop();
    blocks.clear();
    gate.detach();
    for (const timer of operationTimers) clock.clearTimeout(timer);
    operationTimers.clear();
    lost.fail();
    lost.dispose();
    table.clear();
    logEvent("status", undefined, "disconnected");
    autoRecovering = false;
    manualReconnecting = false;
    updateRecovery({ manual: false, attempt: 0, nextRetryAt: undefined });
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
  dialCachedPeers();

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
