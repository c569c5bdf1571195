"use client";
import { useCallback, useSyncExternalStore } from "react";

import { WakuPeersError } from "../core/index.js";
import type { CreateOutboxOptions, SendOptions, SendResult, TopicOrEncoder } from "../messages/index.js";
import { useMessageContext, type MessageHookParameters } from "./use-message-context.js";
import { useOutboxInstance } from "./use-outbox-instance.js";

export interface UseSendParameters
  extends MessageHookParameters,
    Omit<CreateOutboxOptions, "contentTopic" | "encoder" | "clock"> {}

export interface UseSendReturnType {
  /**
   * Queues the message in the durable outbox (encoded once: same bytes and hash on every retry)
   * and resolves with its id and hash; sending happens as soon as it is possible.
   * Rejects with `WakuPeersError` (`INVALID_MESSAGE`, `PAYLOAD_TOO_LARGE`, `OUTBOX_FULL`, or
   * `NOT_READY` before the node exists).
   */
  send(payload: Uint8Array, options?: SendOptions): Promise<SendResult>;
  /** Sending is possible now (online, a light push peer). Queued messages go out the moment it is. */
  canSend: boolean;
  /** Messages of this topic waiting to be sent. */
  pending: number;
}

const noSubscription = () => () => {};
const notYet = () => false;
const none = () => 0;

/**
 * Sends on a content topic (or with an encoder) through a durable outbox shared by every hook of
 * the topic: retried with backoff on other light push peers, kept across reloads, drained the
 * moment sending is possible. Follow a message with `useSendStatus(id)`.
 *
 * An encoder (instead of a content topic) must keep its identity across renders (`useMemo`).
 *
 * @throws {WakuPeersError} `NO_PROVIDER` outside `<WakuPeersProvider>` without `{ node, manager }`.
 *
 * @example
 * function Composer() {
 *   const { send, canSend, pending } = useSend("/my-app/1/chat/proto");
 *   return (
 *     <button onClick={() => void send(utf8ToBytes("hi")).catch(console.error)}>
 *       Send {canSend ? "" : `(offline, ${pending} waiting)`}
 *     </button>
 *   );
 * }
 */
export function useSend(topic: TopicOrEncoder, parameters?: UseSendParameters): UseSendReturnType {
  const context = useMessageContext("useSend", parameters);
  const { node: _node, manager: _manager, ...options } = parameters ?? {};
  const outbox = useOutboxInstance(context, topic, options);
  const subscribe = outbox?.subscribe ?? noSubscription;
  const canSend = useSyncExternalStore(subscribe, outbox ? () => outbox.getSnapshot().canSend : notYet, notYet);
  const pending = useSyncExternalStore(subscribe, outbox ? () => outbox.getSnapshot().pending : none, none);
  const send = useCallback(
    (payload: Uint8Array, sendOptions?: SendOptions): Promise<SendResult> =>
      outbox === undefined
        ? Promise.reject(new WakuPeersError("NOT_READY", ["useSend: the node is not started yet"]))
        : outbox.send(payload, sendOptions),
    [outbox],
  );
  return { send, canSend, pending };
}
