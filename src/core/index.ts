// The framework-agnostic core ("waku-peers/core"): no React, usable from any UI or none.

export { createPeerManager } from "./create-peer-manager.js";
export type { WakuPeerManager } from "./create-peer-manager.js";
export type { CreatePeerManagerOptions } from "./resolve-options.js";
export { resolveRequirements } from "./resolve-options.js";

export { WakuPeersError, isWakuPeersError } from "./errors.js";
export type { WakuPeersErrorCode } from "./errors.js";

export {
  DEFAULT_LOST_CONNECTION_GRACE_MS,
  DEFAULT_MAX_EVENTS,
  DEFAULT_RECONNECT_TIMEOUT_MS,
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
export { staticOnlineEnvironment } from "./environment.js";
export type { Environment, EnvironmentEvent } from "./environment.js";
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
  ConnectionStatus,
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
