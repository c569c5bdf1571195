"use client";
import { useSyncExternalStore } from "react";

import type { CreateOutboxOptions, TopicOrEncoder } from "../messages/index.js";
import { outboxRegistryOf, type OutboxesSnapshot } from "./outbox-registry.js";
import { useMessageContext, type MessageHookParameters } from "./use-message-context.js";
import { useOutboxInstance } from "./use-outbox-instance.js";

export interface UseOutboxParameters
  extends MessageHookParameters,
    Omit<CreateOutboxOptions, "contentTopic" | "encoder" | "clock"> {}

export type UseOutboxReturnType = OutboxesSnapshot;

const EMPTY: OutboxesSnapshot = Object.freeze({ items: Object.freeze([]), pending: 0, canSend: false });
const noSubscription = () => () => {};
const empty = () => EMPTY;

/**
 * What is waiting to be sent ("3 messages waiting"): the items of every outbox the app's hooks
 * hold, or — given a topic — of that topic's outbox, which it then opens itself (so messages queued
 * before a reload show even before anything is sent).
 *
 * @throws {WakuPeersError} `NO_PROVIDER` outside `<WakuPeersProvider>` without `{ node, manager }`.
 *
 * @example
 * function Waiting() {
 *   const { pending, canSend } = useOutbox();
 *   return pending > 0 ? <p>{pending} messages waiting{canSend ? "" : " for a connection"}</p> : null;
 * }
 */
export function useOutbox(topic?: TopicOrEncoder, parameters?: UseOutboxParameters): UseOutboxReturnType {
  const context = useMessageContext("useOutbox", parameters);
  const { node: _node, manager: _manager, ...options } = parameters ?? {};
  const outbox = useOutboxInstance(context, topic, options);
  const registry = context === undefined ? undefined : outboxRegistryOf(context);
  const all = useSyncExternalStore(registry?.subscribe ?? noSubscription, registry ? registry.snapshot : empty, empty);
  const own = useSyncExternalStore(outbox?.subscribe ?? noSubscription, outbox ? outbox.getSnapshot : empty, empty);
  return topic === undefined ? all : own;
}
