"use client";
import type { IDecodedMessage } from "@waku/sdk";
import { useEffect, useState } from "react";

import {
  mergeMessages,
  type ReceivedMessage,
  type SyncState,
  type TopicOrDecoder,
  type WatchMessagesOptions,
} from "../messages/index.js";
import { listedWatcher } from "./listed-watcher.js";
import { useMessageContext, type MessageHookParameters } from "./use-message-context.js";

export interface UseMessagesParameters
  extends MessageHookParameters,
    Pick<WatchMessagesOptions, "backfill" | "storage" | "dedupeCapacity"> {
  /** Messages kept in the list; those that arrived first go first. Default 500. */
  limit?: number;
}

export interface UseMessagesReturnType<T extends IDecodedMessage = IDecodedMessage> {
  /** Ordered by timestamp; back-filled messages are placed where they belong. Each message once. */
  messages: readonly ReceivedMessage<T>[];
  sync: SyncState;
}

const DEFAULT_LIMIT = 500;
const NOT_WATCHING: SyncState = Object.freeze({
  status: "unavailable",
  lastSeenAt: undefined,
  unfilled: Object.freeze([]),
  lastBackfill: undefined,
});

/**
 * The messages of a content topic (or decoder): live through filter, gaps back-filled from store
 * after every outage, each message once, ordered by timestamp — and `sync`, which says whether
 * delivery is `live`, `backfilling`, `unavailable`, or has a `gap` it could not fill. A burst of
 * messages is one render. Options are read when the topic or the node changes.
 *
 * A decoder (instead of a content topic) must keep its identity across renders (`useMemo`): a new
 * one restarts the watcher.
 *
 * @throws {WakuPeersError} `NO_PROVIDER` outside `<WakuPeersProvider>` without `{ node, manager }`.
 *
 * @example
 * function Chat() {
 *   const { messages, sync } = useMessages("/my-app/1/chat/proto");
 *   return (
 *     <ul>
 *       {sync.status === "gap" && <li>Some messages could not be loaded</li>}
 *       {messages.map(({ hash, message }) => <li key={hash}>{bytesToUtf8(message.payload)}</li>)}
 *     </ul>
 *   );
 * }
 */
export function useMessages<T extends IDecodedMessage = IDecodedMessage>(
  topic: TopicOrDecoder<T>,
  parameters?: UseMessagesParameters,
): UseMessagesReturnType<T> {
  const context = useMessageContext("useMessages", parameters);
  const [result, setResult] = useState<UseMessagesReturnType<T>>(() => ({ messages: [], sync: NOT_WATCHING }));

  // biome-ignore lint/correctness/useExhaustiveDependencies: `limit` and the options are read at start (documented)
  useEffect(() => {
    if (context === undefined) return;
    const limit = parameters?.limit ?? DEFAULT_LIMIT;
    let batch: ReceivedMessage<T>[] = [];
    let stopped = false;
    const flush = (): void => {
      if (stopped || batch.length === 0) return;
      const arrived = batch;
      batch = [];
      setResult((previous) => ({ ...previous, messages: mergeMessages(previous.messages, arrived, limit) }));
    };
    const onMessage = (message: ReceivedMessage<T>): void => {
      if (batch.length === 0) queueMicrotask(flush);
      batch.push(message);
    };
    const watcher = listedWatcher<T>(context, topic, onMessage, parameters);
    const showSync = (sync: SyncState): void =>
      setResult((previous) => (previous.sync === sync ? previous : { ...previous, sync }));
    showSync(watcher.getSync());
    const unsubscribe = watcher.subscribeSync(showSync);
    return () => {
      stopped = true;
      unsubscribe();
      watcher.stop();
    };
    // Options are taken when the watcher starts; the topic and the node decide when it restarts.
  }, [context, topic]);

  return result;
}
