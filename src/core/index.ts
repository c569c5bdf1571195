// The framework-agnostic core ("waku-peers/core"): no React, usable from any UI or none.
// Advanced building blocks (the pure policy functions, the recovery machine, option parsing)
// are in "waku-peers/core/internal".

export { createPeerManager, preloadPeerManager } from "./create-peer-manager.js";
export type { CreatePeerManagerOptions, RecreateNode } from "./options/parse-options.js";
export { DEFAULT_OPTIONS, DEFAULT_REQUIREMENTS } from "./options/parse-options.js";
export { PROTOCOL_NAMES } from "./peers/codecs.js";

export { getConnectionStatus } from "./actions/get-connection-status.js";
export type { ConnectionStatusResult, GetConnectionStatusReturnType } from "./actions/get-connection-status.js";
export { watchConnectionStatus } from "./actions/watch-connection-status.js";
export type { WatchConnectionStatusParameters } from "./actions/watch-connection-status.js";
export { getPeerHealth } from "./actions/get-peer-health.js";
export { watchPeerHealth } from "./actions/watch-peer-health.js";
export type { WatchPeerHealthParameters } from "./actions/watch-peer-health.js";
export { getPeers } from "./actions/get-peers.js";
export { watchPeers } from "./actions/watch-peers.js";
export type { WatchPeersParameters } from "./actions/watch-peers.js";
export { watchLostConnection } from "./actions/watch-lost-connection.js";
export type { WatchLostConnectionParameters } from "./actions/watch-lost-connection.js";
export type { LostConnectionSource, StoreSource, Unwatch, WatchParameters } from "./actions/types.js";

export { WakuPeersError, isWakuPeersError } from "./errors.js";
export type { WakuPeersErrorCode, WakuPeersFailure } from "./errors.js";

export { systemClock } from "./lifetime/clock.js";
export type { Clock, TimerHandle } from "./lifetime/clock.js";
export { browserEnvironment, manualEnvironment } from "./detection/environment.js";
export type { Environment, EnvironmentEvent, EnvironmentHint, ManualEnvironment } from "./detection/environment.js";
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
} from "./sdk/node-boundary.js";

export type {
  BackoffOptions,
  ConnectionStatus,
  FilterCanaryOptions,
  HealthState,
  LivenessOptions,
  LostConnectionState,
  OverallHealth,
  PeerCacheOptions,
  PeerCacheStorage,
  PeerEvent,
  PeerEventType,
  PeerFailure,
  PeerInfo,
  PeerManager,
  PeerManagerOptions,
  PeerPolicyOptions,
  PeersStore,
  PeerTag,
  ProtocolHealth,
  ProtocolName,
  ReconnectOptions,
  ReconnectProgress,
  ReconnectResult,
  RecoveryOptions,
  RecoveryState,
  RedundancyOptions,
  Requirements,
  SubscribeOptions,
  WakuPeersState,
} from "./types.js";

// The message layer: receive with store back-fill, send through a durable outbox.
export { createOutbox, indexedDbStorage, memoryStorage, watchMessages, webStorage } from "../messages/index.js";
export type {
  BackfillOptions,
  BackfillReason,
  BackfillReport,
  CreateOutboxOptions,
  DrainLocks,
  MessageContext,
  MessageNode,
  MessageSource,
  MessageStorage,
  MessageStorageOption,
  MessageWatcher,
  Outbox,
  OutboxConfirmOptions,
  OutboxItem,
  OutboxLimits,
  OutboxRetryOptions,
  OutboxSnapshot,
  ReceivedMessage,
  SendOptions,
  SendResult,
  SendStatus,
  SyncState,
  SyncStatus,
  TimeRange,
  TopicOrDecoder,
  TopicOrEncoder,
  UnfilledRange,
  WatchMessagesOptions,
  WebStorageLike,
} from "../messages/index.js";
