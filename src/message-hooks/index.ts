"use client";
// "waku-peers/messages": React hooks over the message layer of "waku-peers/core". A separate entry,
// so apps that only want peer state pay nothing for it. Named exports only (a test snapshots them).

export { useMessages } from "./use-messages.js";
export type { UseMessagesParameters, UseMessagesReturnType } from "./use-messages.js";
export { useMessageListener } from "./use-message-listener.js";
export type { UseMessageListenerParameters } from "./use-message-listener.js";
export { useSend } from "./use-send.js";
export type { UseSendParameters, UseSendReturnType } from "./use-send.js";
export { useSendStatus } from "./use-send-status.js";
export { useOutbox } from "./use-outbox.js";
export type { UseOutboxParameters, UseOutboxReturnType } from "./use-outbox.js";
export type { OutboxesSnapshot } from "./outbox-registry.js";
export type { MessageHookParameters } from "./use-message-context.js";

export type {
  BackfillOptions,
  MessageSource,
  OutboxItem,
  ReceivedMessage,
  SendOptions,
  SendResult,
  SendStatus,
  SyncState,
  SyncStatus,
  UnfilledRange,
} from "../messages/index.js";
