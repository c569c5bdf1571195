"use client";
// The React entry of waku-peers: the provider, one hook per concern, and the public types.
// Named exports only, so the exported surface is exactly what is listed here (a test
// snapshots it). The core alone is "waku-peers/core"; the @waku/react adapter is
// "waku-peers/waku-react".

export { WakuPeersProvider } from "./provider/waku-peers-provider.js";
export type {
  WakuPeersProviderBaseProps,
  WakuPeersProviderNodeProps,
  WakuPeersProviderProps,
} from "./provider/waku-peers-provider.js";
export type { WakuPeersHookParameters } from "./provider/context.js";
export type { LostConnectionSignal } from "./provider/waku-peers-controller.js";

export { useConnectionStatus } from "./hooks/use-connection-status.js";
export type {
  ConnectionStatusResult,
  UseConnectionStatusParameters,
  UseConnectionStatusReturnType,
} from "./hooks/use-connection-status.js";
export { usePeerHealth } from "./hooks/use-peer-health.js";
export type { UsePeerHealthParameters } from "./hooks/use-peer-health.js";
export { useReconnect } from "./hooks/use-reconnect.js";
export type { UseReconnectParameters, UseReconnectReturnType } from "./hooks/use-reconnect.js";
export { usePeers } from "./hooks/use-peers.js";
export type { UsePeersParameters } from "./hooks/use-peers.js";
export { useWakuPeers } from "./hooks/use-waku-peers.js";
export type { UseWakuPeersParameters } from "./hooks/use-waku-peers.js";
export { useWakuNode } from "./hooks/use-waku-node.js";
export { useLostConnectionListener } from "./hooks/use-lost-connection-listener.js";
export type { UseLostConnectionListenerParameters } from "./hooks/use-lost-connection-listener.js";

export { WakuPeersError, isWakuPeersError } from "./core/index.js";
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
  PeersStore,
  ReconnectResult,
  RecoveryState,
  Requirements,
  WakuPeersErrorCode,
  WakuPeersFailure,
  WakuPeersState,
} from "./core/index.js";
