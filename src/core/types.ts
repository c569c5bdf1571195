/**
 * The public shape of waku-peers' state. Everything the UI can know about the node's
 * connection lives in one zustand vanilla store of type {@link WakuPeersState}.
 */

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
export type ConnectionStatus =
  | "idle"
  | "connecting"
  | "connected"
  | "degraded"
  | "reconnecting"
  | "offline"
  | "disconnected";

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
  /** Last measured round trip in ms. */
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
  lastError: string | undefined;
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
  | "reconnect";

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
  lastError: string | undefined;
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
  error?: string;
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
}

/**
 * A running peer manager. Framework-agnostic: React is layered on top through
 * `useSyncExternalStore` over {@link PeerManager.store}.
 */
export interface PeerManager {
  /** zustand vanilla store (`getState`, `getInitialState`, `subscribe`). */
  readonly store: import("zustand/vanilla").StoreApi<WakuPeersState>;
  /** Re-dial known service peers now, bypassing the SDK's cooldowns. Never rejects. */
  reconnect(options?: ReconnectOptions): Promise<ReconnectResult>;
  /** Tell the manager a protocol failed on a peer; lowers its score. */
  reportFailure(peerId: string, protocol: ProtocolName, reason?: string): void;
  /** Tell the manager a protocol succeeded on a peer; restores some score. */
  reportSuccess(peerId: string, protocol: ProtocolName): void;
  /** Follow the lost-connection signal (`lost` / `restored` / `failed`). Returns an unsubscribe. */
  onLostConnection(listener: (state: Exclude<LostConnectionState, "ok">) => void): () => void;
  /** Detach every listener and timer; status becomes `disconnected`. Does not stop the node. Idempotent. */
  stop(): void;
}
