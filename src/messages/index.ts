// The framework-agnostic message layer, exported from "waku-peers/core": no React here.
export { watchMessages } from "./watch-messages.js";
export { createOutbox } from "./create-outbox.js";
export { mergeMessages } from "./message-list.js";
export { indexedDbStorage, memoryStorage, webStorage } from "./storage.js";
export type { MessageStorage, MessageStorageOption, WebStorageLike } from "./storage.js";
export { canSendFrom } from "./send-readiness.js";
export { storeWindows, MAX_STORE_WINDOW_MS } from "./time-windows.js";
export type { TimeRange } from "./time-windows.js";
export { rankStorePeers } from "./store-peer-ranking.js";
export { lossSignals } from "./loss-signals.js";
export type { BackfillReason } from "./loss-signals.js";
export type { MessageNode, TopicOrDecoder, TopicOrEncoder } from "./sdk-adapter.js";
export type {
  BackfillOptions,
  BackfillReport,
  CreateOutboxOptions,
  DrainLocks,
  MessageContext,
  MessageSource,
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
  UnfilledRange,
  WatchMessagesOptions,
} from "./types.js";
