import { checkedPeer, checkedProtocol } from "../core/create-peer-manager.js";
import { failure, type WakuPeersFailure } from "../core/errors.js";
import { systemClock, type Clock } from "../core/lifetime/clock.js";
import { createListeners } from "../core/lifetime/listeners.js";
import { resolveRequirements } from "../core/options/parse-options.js";
import { scoreAfterFailure, scoreAfterSuccess } from "../core/peers/score.js";
import { createInitialState, createPeersStore, IDLE_RECOVERY, readOnly } from "../core/state/store.js";
import type {
  ConnectionStatus,
  LostConnectionState,
  PeerEventType,
  PeerInfo,
  PeerManager,
  ProtocolName,
  ReconnectOptions,
  ReconnectResult,
  Requirements,
  WakuPeersState,
} from "../core/types.js";
import {
  healthOfCounts,
  healthOfPeers,
  mockPeer,
  peersMeeting,
  type MockHealthCounts,
  type MockPeerInput,
} from "./mock-state.js";

/** What the next `reconnect()` calls come to. */
export interface MockReconnectScript {
  /** Default `true`: the mock then calls `restore()` (unless already connected). */
  ok?: boolean;
  /** The failure of a reconnect that is not ok. Default `{ code: "TIMEOUT", … }`. */
  error?: WakuPeersFailure;
  /** How long it runs, on the mock's clock (fake timers drive it). Default 0. */
  delayMs?: number;
  /** Peers it reports as dialed. Default 1. */
  dialed?: number;
}

/** Every call the code under test made, in order. */
export interface MockCalls {
  readonly reconnect: (ReconnectOptions | undefined)[];
  readonly reportFailure: { peerId: string; protocol: ProtocolName; reason: string | undefined }[];
  readonly reportSuccess: { peerId: string; protocol: ProtocolName }[];
  readonly simulateOffline: boolean[];
  /** Times `stop()` was called. */
  readonly stop: number;
}

export interface MockPeerManagerOptions {
  /** Default 2 light push, 2 filter, 1 store (the real default). */
  requirements?: Partial<Requirements>;
  /** Time for events, delays and scenarios. Default: the real clock, which fake timers replace. */
  clock?: Clock;
  /** Size of the event log. Default 50 (the real default). */
  maxEvents?: number;
}

/**
 * A peer manager for tests: a real store (the hooks read it as they read the real one) whose
 * state the test sets. Setters commit synchronously. Health follows the peers (`addPeer`,
 * `removePeer`, `updatePeer`) unless set with `setHealth`; the status changes only when told
 * (`setStatus`, or the stories `lose()`, `restore()`, `fail()`).
 */
export interface MockPeerManager extends PeerManager {
  readonly clock: Clock;
  readonly calls: MockCalls;
  readonly requirements: Readonly<Requirements>;
  /** Any slice of the state, as is. */
  setState(patch: Partial<WakuPeersState>): void;
  /** Back to the state `createMockPeerManager(initial)` starts with (calls and the reconnect script stay). */
  reset(initial?: Partial<WakuPeersState>): void;
  /** The status alone (logged as a `status` event); the first `connected` sets `firstConnectedAt`. */
  setStatus(status: ConnectionStatus): void;
  /** Connected peers per protocol; `ok` and the overall light follow the requirements. */
  setHealth(counts: MockHealthCounts): void;
  /** The environment's flag, logged as an `online` / `offline` hint. */
  setOnline(online: boolean): void;
  /** Adds or replaces a peer (connected unless said otherwise); health is recounted. */
  addPeer(peer: MockPeerInput): PeerInfo;
  updatePeer(id: string, patch: Partial<Omit<PeerInfo, "id">>): void;
  removePeer(id: string): void;
  /** Appends to the event log. */
  pushEvent(type: PeerEventType, peerId?: string, detail?: string): void;
  /** The connection is gone past the grace period: every peer disconnected, `reconnecting`, `lost` signalled. */
  lose(): void;
  /**
   * Back: the peers `lose()` dropped are connected again (at least the requirements are met), `connected`, `restored`
   * signalled.
   */
  restore(): void;
  /** Recovery gave up: `disconnected`, `lastError` `GAVE_UP` (or `error`), `failed` signalled. */
  fail(error?: WakuPeersFailure): void;
  /** What the next `reconnect()` calls do: one script, or one per call from a function. */
  setReconnect(script: MockReconnectScript | ((options: ReconnectOptions | undefined) => MockReconnectScript)): void;
}

interface MockRuntime {
  readonly store: ReturnType<typeof createPeersStore>;
  readonly clock: Clock;
  readonly requirements: Readonly<Requirements>;
  readonly maxEvents: number;
  readonly lost: ReturnType<typeof createListeners<Exclude<LostConnectionState, "ok">>>;
  /** Peers `lose()` disconnected, for `restore()`. */
  dropped: string[];
  stopped: boolean;
  readonly calls: MockCalls & { stop: number };
}

/**
 * A peer manager for component tests, driven by hand or by {@link scenario}. The initial state is
 * the idle state with `initial` over it; `{ status: "connected" }` alone also gets just enough peers
 * (`mock-peer-1`, …) to meet the requirements, so it looks like a real connected manager (and the
 * message mocks can send).
 *
 * @throws {WakuPeersError} `INVALID_REQUIREMENTS` for bad `options.requirements`.
 *
 * @example
 * const manager = createMockPeerManager({ status: "connected" });
 * manager.setReconnect({ ok: false, delayMs: 1_000 });
 * manager.lose();     // status "reconnecting", listeners get "lost"
 * manager.restore();  // status "connected", listeners get "restored"
 * expect(manager.calls.reconnect).toHaveLength(0);
 */
export function createMockPeerManager(
  initial: Partial<WakuPeersState> = {},
  options: MockPeerManagerOptions = {},
): MockPeerManager {
  const requirements = resolveRequirements(options.requirements);
  const clock = options.clock ?? systemClock;
  const runtime: MockRuntime = {
    store: createPeersStore(initialState(initial, requirements, clock.now())),
    clock,
    requirements,
    maxEvents: options.maxEvents ?? 50,
    lost: createListeners(),
    dropped: [],
    stopped: false,
    calls: { reconnect: [], reportFailure: [], reportSuccess: [], simulateOffline: [], stop: 0 },
  };
  let script: Parameters<MockPeerManager["setReconnect"]>[0] = { ok: true };
  const stories = createStories(runtime);
  return {
    store: readOnly(runtime.store),
    clock,
    calls: runtime.calls,
    requirements,
    ...stories,
    reset: (next = {}) => stories.setState(initialState(next, requirements, clock.now())),
    setReconnect(next) {
      script = next;
    },
    reconnect: (reconnectOptions) =>
      runReconnect(runtime, stories, typeof script === "function" ? script(reconnectOptions) : script, reconnectOptions),
    reportFailure(peerId, protocol, reason) {
      checkedPeer(peerId);
      checkedProtocol(protocol);
      runtime.calls.reportFailure.push({ peerId, protocol, reason });
      const peer = runtime.store.getState().peers[peerId];
      if (peer)
        stories.updatePeer(peerId, {
          score: scoreAfterFailure(peer.score),
          lastFailure: { protocol, reason: reason ?? "unspecified", at: clock.now() },
        });
    },
    reportSuccess(peerId, protocol) {
      checkedPeer(peerId);
      checkedProtocol(protocol);
      runtime.calls.reportSuccess.push({ peerId, protocol });
      const peer = runtime.store.getState().peers[peerId];
      if (peer) stories.updatePeer(peerId, { score: scoreAfterSuccess(peer.score) });
    },
    onLostConnection: (listener) => (runtime.stopped ? () => {} : runtime.lost.add(listener)),
    simulateOffline(offline) {
      runtime.calls.simulateOffline.push(offline);
      stories.setOnline(!offline);
    },
    stop() {
      runtime.calls.stop++;
      if (runtime.stopped) return;
      stories.setStatus("disconnected");
      runtime.stopped = true;
      runtime.lost.clear();
    },
  };
}

function initialState(initial: Partial<WakuPeersState>, requirements: Readonly<Requirements>, now: number): WakuPeersState {
  const idle = createInitialState(requirements);
  const simplyConnected = initial.status === "connected" && initial.peers === undefined && initial.health === undefined;
  const peers = initial.peers ?? (simplyConnected ? Object.freeze(peersMeeting(requirements, now)) : idle.peers);
  const health = initial.health ?? healthOfPeers(peers, requirements);
  const wasConnected = initial.status !== undefined && !["idle", "connecting"].includes(initial.status);
  // A real manager logs every status it takes, its first one too.
  const events =
    initial.status === undefined || initial.status === "idle"
      ? idle.events
      : Object.freeze([{ at: now, type: "status" as const, detail: initial.status }]);
  return { ...idle, firstConnectedAt: wasConnected ? now : undefined, events, ...initial, peers, health };
}

/** The setters and the lose / restore / fail stories, over one runtime. */
function createStories(runtime: MockRuntime) {
  const { store, clock, requirements } = runtime;
  const state = () => store.getState();
  const commit = (patch: Partial<WakuPeersState>) => {
    if (!runtime.stopped) store.setState(patch);
  };
  const pushEvent = (type: PeerEventType, peerId?: string, detail?: string) =>
    commit({ events: Object.freeze([...state().events, { at: clock.now(), type, peerId, detail }].slice(-runtime.maxEvents)) });
  const setPeers = (peers: Record<string, PeerInfo>) =>
    commit({ peers: Object.freeze(peers), health: healthOfPeers(peers, requirements, state().health) });
  const signal = (lost: Exclude<LostConnectionState, "ok">) => {
    commit({ lost });
    runtime.lost.emit(lost);
  };
  const setStatus = (status: ConnectionStatus) => {
    if (status === state().status) return;
    commit({ status, firstConnectedAt: state().firstConnectedAt ?? (status === "connected" ? clock.now() : undefined) });
    pushEvent("status", undefined, status);
  };
  const updatePeer = (id: string, patch: Partial<Omit<PeerInfo, "id">>) => {
    const peer = state().peers[id];
    if (peer) setPeers({ ...state().peers, [id]: Object.freeze({ ...peer, ...patch }) });
  };
  const connectPeer = (id: string, connected: boolean) =>
    updatePeer(
      id,
      connected ? { connected, connectedSince: clock.now() } : { connected, connectedSince: undefined, rttMs: undefined },
    );
  return {
    setState: commit,
    setStatus,
    pushEvent,
    setHealth: (counts: MockHealthCounts) => commit({ health: healthOfCounts(counts, requirements, state().health) }),
    setOnline(online: boolean) {
      if (online === state().online) return;
      commit({ online });
      pushEvent("hint", undefined, online ? "online" : "offline");
    },
    addPeer(input: MockPeerInput) {
      const peer = mockPeer(input, clock.now());
      setPeers({ ...state().peers, [peer.id]: peer });
      if (peer.connected) pushEvent("peer:connected", peer.id);
      return peer;
    },
    updatePeer,
    removePeer(id: string) {
      const { [id]: removed, ...rest } = state().peers;
      if (!removed) return;
      setPeers(rest);
      if (removed.connected) pushEvent("peer:disconnected", id);
    },
    lose() {
      runtime.dropped = Object.values(state().peers)
        .filter((peer) => peer.connected)
        .map((peer) => peer.id);
      for (const id of runtime.dropped) connectPeer(id, false);
      commit({ health: healthOfCounts({ lightPush: 0, filter: 0, store: 0, peerExchange: 0 }, requirements, state().health) });
      commit({ recovery: { ...IDLE_RECOVERY, lastRecoveredAt: state().recovery.lastRecoveredAt, inProgress: true, attempt: 1 } });
      setStatus(state().firstConnectedAt === undefined ? "connecting" : "reconnecting");
      signal("lost");
    },
    restore() {
      for (const id of runtime.dropped.splice(0)) connectPeer(id, true);
      if (state().health.overall !== "healthy") setPeers({ ...state().peers, ...peersMeeting(requirements, clock.now()) });
      commit({ recovery: { ...IDLE_RECOVERY, lastRecoveredAt: clock.now() } });
      setStatus("connected");
      if (state().lost === "lost") signal("restored");
    },
    fail(error: WakuPeersFailure = failure("GAVE_UP", "recovery gave up")) {
      commit({ lastError: error, recovery: { ...state().recovery, inProgress: false, nextRetryAt: undefined } });
      setStatus("disconnected");
      signal("failed");
    },
  };
}

type Stories = ReturnType<typeof createStories>;

/** A scripted reconnect: manual recovery in progress for `delayMs`, then its outcome. Never rejects. */
async function runReconnect(
  runtime: MockRuntime,
  stories: Stories,
  script: MockReconnectScript,
  options: ReconnectOptions | undefined,
): Promise<ReconnectResult> {
  runtime.calls.reconnect.push(options);
  const { delayMs = 0, dialed = 1 } = script;
  const stopped = (): ReconnectResult => ({
    ok: false,
    status: "disconnected",
    durationMs: 0,
    dialed: 0,
    error: failure("STOPPED", "the peer manager is stopped"),
  });
  if (runtime.stopped) return stopped();
  const before = runtime.store.getState().recovery;
  stories.setState({
    lastError: undefined,
    recovery: { ...before, inProgress: true, manual: true, progress: { dialed: 0, total: dialed, succeeded: 0 } },
  });
  stories.pushEvent("reconnect", undefined, options?.hard ? "hard reconnect started" : "reconnect started");
  await (delayMs > 0 ? new Promise<void>((resolve) => runtime.clock.setTimeout(resolve, delayMs)) : Promise.resolve());
  if (runtime.stopped) return stopped();
  const done = { ...runtime.store.getState().recovery, manual: false, inProgress: false, progress: undefined };
  if (script.ok === false) {
    const error = script.error ?? failure("TIMEOUT", "requirements not met in time (mock)");
    stories.setState({ recovery: done, lastError: error });
    stories.pushEvent("reconnect", undefined, `failed: ${error.message}`);
    return { ok: false, status: runtime.store.getState().status, durationMs: delayMs, dialed, error };
  }
  stories.setState({ recovery: done });
  if (runtime.store.getState().status !== "connected") stories.restore();
  stories.pushEvent("reconnect", undefined, "done");
  return { ok: true, status: "connected", durationMs: delayMs, dialed };
}
