/**
 * The public shape of waku-peers' state. Everything the UI can know about the node's
 * connection lives in one zustand vanilla store of type {@link WakuPeersState}.
 */
import type { WakuPeersFailure } from "./errors.js";

export type { WakuPeersFailure };

/**
 * The connection status shown to users.
 * - `idle`: not started yet (first render, server rendering).
 * - `connecting`: started, requirements never met yet.
 * - `connected`: every requirement met.
 * - `degraded`: some service peers, but below the requirements.
 * - `reconnecting`: was connected, now has no usable service peer, retrying.
 * - `offline`: the environment says offline and no peer answers.
 * - `disconnected`: stopped, or retrying was given up; terminal until `reconnect()`.
 */
export type ConnectionStatus = "idle" | "connecting" | "connected" | "degraded" | "reconnecting" | "offline" | "disconnected";

/** The Waku protocols whose peers are counted. */
export type ProtocolName = "lightPush" | "filter" | "store" | "peerExchange";

/** How many connected peers each protocol needs. `peerExchange` defaults to 0 (counted, not required). */
export interface Requirements {
  lightPush: number;
  filter: number;
  store: number;
  peerExchange: number;
}

export interface ProtocolHealth {
  /** Unique connected peers that identified this protocol. */
  connected: number;
  required: number;
  /** `connected >= required`. */
  ok: boolean;
}

/** green / yellow / red. */
export type OverallHealth = "healthy" | "degraded" | "unhealthy";

export interface HealthState {
  lightPush: ProtocolHealth;
  filter: ProtocolHealth;
  store: ProtocolHealth;
  peerExchange: ProtocolHealth;
  overall: OverallHealth;
}

/** Where a peer came from (libp2p peer store tags). */
export type PeerTag = "bootstrap" | "peer-exchange" | "peer-cache";

export interface PeerFailure {
  protocol: ProtocolName | "dial" | "ping";
  reason: string;
  at: number;
}

export interface PeerInfo {
  /** Peer id as a string. */
  id: string;
  /** Named Waku protocols identified on this peer. */
  protocols: ProtocolName[];
  tags: PeerTag[];
  /** Remote address of the open connection, when connected. */
  address: string | undefined;
  connected: boolean;
  /** Epoch ms when the current connection opened. */
  connectedSince: number | undefined;
  /**
   * Round trip in ms: from our liveness pings, smoothed (as TCP's SRTT), else libp2p's connection
   * monitor. Published only when it moves by max(10 ms, 25 %), so ping jitter re-renders nothing.
   */
  rttMs: number | undefined;
  /** 0..100; starts at 100, protocol failures lower it. */
  score: number;
  lastFailure: PeerFailure | undefined;
}

export interface ReconnectProgress {
  /** Peers dialed so far in this reconnect. */
  dialed: number;
  /** Peers this reconnect intends to dial. */
  total: number;
  /** Dials that succeeded so far. */
  succeeded: number;
}

export interface RecoveryState {
  /** Automatic or manual recovery is running. */
  inProgress: boolean;
  /** Manual `reconnect()` is running. */
  manual: boolean;
  /** Attempt number within the current outage (0 when none). */
  attempt: number;
  /** Epoch ms of the next scheduled retry. */
  nextRetryAt: number | undefined;
  progress: ReconnectProgress | undefined;
  /** Epoch ms when requirements were last met again after a loss. */
  lastRecoveredAt: number | undefined;
}

/**
 * Grace-period signal: `ok` while fine or within the grace, `lost` once the status has been
 * away from `connected` longer than the grace, then `restored` (back) or `failed` (gave up).
 */
export type LostConnectionState = "ok" | "lost" | "restored" | "failed";

export type PeerEventType =
  | "peer:connected"
  | "peer:disconnected"
  | "peer:identified"
  | "peer:dial-failed"
  | "peer:failure"
  | "peer:replaced"
  | "status"
  | "hint"
  | "reconnect"
  | "peer:liveness-failed"
  | "peer:parked"
  | "recovery"
  /** A peer-exchange answer screened (what was taken, what was dropped and why), a flooding source penalised. */
  | "discovery"
  /** The app's own event loop stalled: a liveness round was discarded, not blamed on the peers. */
  | "stall";

export interface PeerEvent {
  at: number;
  type: PeerEventType;
  peerId?: string;
  detail?: string;
}

export interface WakuPeersState {
  status: ConnectionStatus;
  health: HealthState;
  /** By peer id: every peer currently connected, plus known service peers recently seen. */
  peers: Readonly<Record<string, PeerInfo>>;
  recovery: RecoveryState;
  lost: LostConnectionState;
  /** Newest last; bounded ring buffer. */
  events: readonly PeerEvent[];
  /**
   * The latest failure (`TIMEOUT`, `DISCOVERY_FAILED`, `STORAGE_FAILED`, `GAVE_UP`, …), until
   * another replaces it; `reconnect()` clears it when it starts.
   */
  lastError: WakuPeersFailure | undefined;
  /** The environment's view; a hint, never proof. */
  online: boolean;
  /** Epoch ms when requirements were first met (undefined until then). */
  firstConnectedAt: number | undefined;
}

export interface ReconnectOptions {
  /** Re-run discovery and, if that fails, recreate the node. */
  hard?: boolean;
  /** Give up waiting for the requirements after this many ms. Default 10 000. */
  timeoutMs?: number;
}

export interface ReconnectResult {
  ok: boolean;
  status: ConnectionStatus;
  durationMs: number;
  /** Peers dialed. */
  dialed: number;
  /** Why it failed: `TIMEOUT`, `NO_PEERS`, `RECREATE_FAILED`, `STOPPED`, `INVALID_ARGUMENT`, … */
  error?: WakuPeersFailure;
  /**
   * `reconnect({ hard: true })` only: re-discovery did not meet the requirements and the
   * `recreateNode` callback was called (its outcome decides `ok`).
   */
  recreated?: boolean;
}

/**
 * Liveness pings on connected service peers (libp2p ping protocol). Each peer's timeout follows
 * its own measured round trips: `rttPercentile` of its last 32 answers × `rttFactor`, within
 * `minTimeoutMs`..`timeoutMs`.
 */
export interface LivenessOptions {
  /** Time between two rounds (every connected service peer pinged once). Default 500 ms. */
  intervalMs?: number;
  /**
   * The longest a ping may go unanswered before it is a miss (the connection is closed), and the
   * timeout of a peer whose round trips are not measured yet. Default 5 000 ms.
   */
  timeoutMs?: number;
  /** The shortest timeout, however fast the peer answered so far. Default 800 ms. */
  minTimeoutMs?: number;
  /** 0.5..1: which of a peer's recent round trips the timeout is built on. Default 0.9. */
  rttPercentile?: number;
  /** The timeout is that round trip times this. Default 3. */
  rttFactor?: number;
  /**
   * A judging timer that fires this late means the app itself was stalled (a long task, a
   * debugger, a throttled tab): the round is discarded and the peers checked again at once, so
   * the app's own pause is never blamed on them. Default 250 ms.
   */
  stallMs?: number;
}

/** Backoff tiers of the automatic recovery (see `backoff.ts`). */
export interface BackoffOptions {
  /** Delays of attempts 0, 1, 2… in the fast phase; the last repeats. Default `[0, 250, 500, 1000]`. */
  fastTiersMs?: readonly number[];
  /** Length of the fast phase from the start of an outage. Default 60 000 ms. */
  fastPhaseMs?: number;
  /** Delays after the fast phase; the last repeats. Default `[2000, 5000, 10000, 20000, 30000]`. */
  slowTiersMs?: readonly number[];
  /** 0..1; a delay is drawn from [tier × (1 − jitter), tier]. Default 0.3. */
  jitter?: number;
}

/** The automatic recovery loop. */
export interface RecoveryOptions {
  /** Dials started per tick. Default 4. */
  maxDialsPerTick?: number;
  /** A dial not connected by then is abandoned. Default 5 000 ms. */
  dialTimeoutMs?: number;
  /** First automatic tick after attach, unless a hint or a loss comes first. Default 2 000 ms. */
  startupDelayMs?: number;
  /**
   * Give up after the requirements have been unmet this long: status `disconnected`, lost
   * `failed`, until `reconnect()`. Default: never.
   */
  giveUpAfterMs?: number;
  backoff?: BackoffOptions;
  /** The redundancy kept above the requirements; `false` dials only up to the requirements. */
  redundancy?: RedundancyOptions | false;
}

/**
 * Service peers kept above the requirements: every known healthy service peer, up to
 * `extraPeers` more than required per required protocol. A missing one (a node that restarts, a
 * peer that dropped the connection) is re-dialed on a cadence of its own, bypassing the SDK's
 * 60 s failed-dial cooldown.
 */
export interface RedundancyOptions {
  /** Peers wanted above each non-zero requirement. Default 1 (2/2/1 → 3/3/2). */
  extraPeers?: number;
  /** Dials at once for the redundancy. Default 2. */
  maxDialsPerRound?: number;
  /**
   * Per missing peer, from the moment it went missing. Default: every second for the first minute
   * (`fastTiersMs: [1000]`), then `[5000, 15000, 30000, 60000]`, jitter 0.3.
   */
  backoff?: BackoffOptions;
}

/** Which peers serve (js-waku issue 914). */
export interface PeerPolicyOptions {
  /** Bootstrap peers kept among the service peers once the others meet the requirements. Default 1. */
  maxBootstrapServicePeers?: number;
  /** A peer whose score falls below this is replaced. Default 50 (three failures from 100). */
  replaceBelowScore?: number;
  /** How long a replaced peer is not dialed again. Default 120 000 ms. */
  quarantineMs?: number;
}

/** Where the peer cache lives: `localStorage`, `sessionStorage` or anything shaped like them. */
export interface PeerCacheStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Good peers remembered for a fast next start. */
export interface PeerCacheOptions {
  /** Default: `localStorage` where it exists and works, else nothing is remembered. */
  storage?: PeerCacheStorage;
  /** Default `"waku-peers:peer-cache:v1"`. */
  key?: string;
  /** Default 20. */
  maxPeers?: number;
  /** Entries not seen for this long are dropped. Default 7 days. */
  maxAgeMs?: number;
}

/** Finds filter peers that accept subscriptions but never push (see `filter-canary.ts`). */
export interface FilterCanaryOptions {
  /** Time between rounds while all is well. Default 30 000 ms. */
  intervalMs?: number;
  /** First round after a subscription appears or changes peers, and the confirming round after a miss. Default 5 000 ms. */
  firstDelayMs?: number;
  /** How long a subscribed peer has to push the probe. Default 3 000 ms. */
  timeoutMs?: number;
}

/** Options of {@link PeerManager}; every field has a shipped default. */
export interface PeerManagerOptions {
  /** Minimum peers per protocol. Default `{ lightPush: 2, filter: 2, store: 1, peerExchange: 0 }`. */
  requirements?: Partial<Requirements>;
  /** Size of the recent-events ring buffer. Default 50. */
  maxEvents?: number;
  /** Default timeout of `reconnect()`. Default 10 000 ms. */
  reconnectTimeoutMs?: number;
  /** How long the status may stay away from `connected` before `lost` is signalled. Default 5 000 ms. */
  lostConnectionGraceMs?: number;
  /** Liveness pings; `false` leaves a frozen peer to libp2p (about 13 s). */
  liveness?: LivenessOptions | false;
  /** Automatic recovery; `false` leaves it to the SDK and `reconnect()`. */
  recovery?: RecoveryOptions | false;
  peerPolicy?: PeerPolicyOptions;
  /** `false` remembers nothing. */
  peerCache?: PeerCacheOptions | false;
  /** `false` disables the canary; protocol failures the SDK reports still count. */
  filterCanary?: FilterCanaryOptions | false;
  /**
   * The node's bootstrap multiaddrs (as given to `createLightNode`): recognised as bootstrap
   * peers even after the peer store forgets the tag, and dialed again by `reconnect({ hard: true })`.
   */
  bootstrapPeers?: readonly string[];
}

/** Options of a selector subscription. */
export interface SubscribeOptions<U> {
  /** When the selected value counts as unchanged. Default `Object.is`. */
  equalityFn?: (a: U, b: U) => boolean;
  /** Call the listener once right away with the current value. */
  fireImmediately?: boolean;
}

/**
 * The manager's zustand vanilla store, read-only: only the manager writes to it. `subscribe`
 * takes a plain listener, or a selector and a listener that runs only when the selection changes.
 */
export interface PeersStore {
  getState(): WakuPeersState;
  /** The state before the manager looked at the node: also the server-rendering snapshot. */
  getInitialState(): WakuPeersState;
  subscribe(listener: (state: WakuPeersState, previous: WakuPeersState) => void): () => void;
  subscribe<U>(
    selector: (state: WakuPeersState) => U,
    listener: (selected: U, previous: U) => void,
    options?: SubscribeOptions<U>,
  ): () => void;
}

/**
 * A running peer manager. Framework-agnostic: React is layered on top through
 * `useSyncExternalStore` over {@link PeerManager.store}.
 */
export interface PeerManager {
  readonly store: PeersStore;
  /**
   * Re-dial known service peers now, bypassing the SDK's cooldowns. Never rejects: bad input
   * resolves with an `INVALID_ARGUMENT` error result.
   */
  reconnect(options?: ReconnectOptions): Promise<ReconnectResult>;
  /** Tell the manager a protocol failed on a peer; lowers its score. Throws `INVALID_ARGUMENT` for a bad protocol name. */
  reportFailure(peerId: string, protocol: ProtocolName, reason?: string): void;
  /** Tell the manager a protocol succeeded on a peer; restores some score. */
  reportSuccess(peerId: string, protocol: ProtocolName): void;
  /** Follow the lost-connection signal (`lost` / `restored` / `failed`). Returns an unsubscribe. */
  onLostConnection(listener: (state: Exclude<LostConnectionState, "ok">) => void): () => void;
  /**
   * Development and tests: `true` makes the manager hear `offline` from its environment, as if the
   * device had lost its network, and ignore the environment's own online/offline hints until
   * `false` (then it hears the environment's current flag). It reacts as to a real outage of the
   * device: no dialing, no peer blamed, the outbox holds its messages; open connections stay until
   * they fail. The devtools' "Simulate offline" uses it.
   */
  simulateOffline(offline: boolean): void;
  /** Detach every listener and timer; status becomes `disconnected`. Does not stop the node. Idempotent. */
  stop(): void;
}
