// The framework-agnostic core ("waku-peers/core"): no React, usable from any UI or none.

export { createPeerManager } from "./create-peer-manager.js";
export type { WakuPeerManager } from "./create-peer-manager.js";
export type { CreatePeerManagerOptions, RecreateNode } from "./resolve-options.js";
export { resolveRequirements } from "./resolve-options.js";

export { WakuPeersError, isWakuPeersError } from "./errors.js";
export type { WakuPeersErrorCode } from "./errors.js";

export {
  DEFAULT_BACKOFF_FAST_PHASE_MS,
  DEFAULT_BACKOFF_FAST_TIERS_MS,
  DEFAULT_BACKOFF_JITTER,
  DEFAULT_BACKOFF_SLOW_TIERS_MS,
  DEFAULT_CANARY_INTERVAL_MS,
  DEFAULT_CANARY_TIMEOUT_MS,
  DEFAULT_LIVENESS_INTERVAL_MS,
  DEFAULT_LIVENESS_TIMEOUT_MS,
  DEFAULT_LOST_CONNECTION_GRACE_MS,
  DEFAULT_MAX_BOOTSTRAP_SERVICE_PEERS,
  DEFAULT_MAX_DIALS_PER_TICK,
  DEFAULT_MAX_EVENTS,
  DEFAULT_PEER_CACHE_KEY,
  DEFAULT_QUARANTINE_MS,
  DEFAULT_RECONNECT_TIMEOUT_MS,
  DEFAULT_REPLACE_BELOW_SCORE,
  DEFAULT_REQUIREMENTS,
  PROTOCOL_NAMES,
} from "./constants.js";
export { CODEC_TO_PROTOCOL, WAKU_CODECS, protocolNamesFromCodecs } from "./codecs.js";

export { computeHealth, NO_PEERS } from "./health.js";
export type { PeerCounts } from "./health.js";
export { deriveStatus } from "./status.js";
export type { StatusInput } from "./status.js";

export { systemClock } from "./clock.js";
export type { Clock, TimerHandle } from "./clock.js";
export { browserEnvironment, manualEnvironment, staticOnlineEnvironment } from "./environment.js";
export type { Environment, EnvironmentEvent, EnvironmentHint, ManualEnvironment } from "./environment.js";
export { createInitialState } from "./store.js";
export type { WakuPeersStore } from "./store.js";
export type {
  ConnectionLike,
  IdentifyResultLike,
  Libp2pLike,
  MultiaddrLike,
  NodeEventMap,
  NodeEventName,
  PeerIdLike,
  PeerLike,
  PeerUpdateLike,
  WakuNodeLike,
} from "./node-boundary.js";

export type {
  BackoffOptions,
  ConnectionStatus,
  FilterCanaryOptions,
  LivenessOptions,
  PeerCacheOptions,
  PeerCacheStorage,
  PeerPolicyOptions,
  RecoveryOptions,
  HealthState,
  LostConnectionState,
  OverallHealth,
  PeerEvent,
  PeerEventType,
  PeerFailure,
  PeerInfo,
  PeerManager,
  PeerManagerOptions,
  PeerTag,
  ProtocolHealth,
  ProtocolName,
  ReconnectOptions,
  ReconnectProgress,
  ReconnectResult,
  RecoveryState,
  Requirements,
  WakuPeersState,
} from "./types.js";

// The message layer (issue 9): receive with store back-fill, send through a durable outbox.
export * from "../messages/index.js";
