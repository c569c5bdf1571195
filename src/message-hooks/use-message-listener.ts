"use client";
import type { IDecodedMessage } from "@waku/sdk";
import { useEffect, useInsertionEffect, useRef } from "react";

import type { ReceivedMessage, TopicOrDecoder, WatchMessagesOptions } from "../messages/index.js";
import { listedWatcher } from "./listed-watcher.js";
import { useMessageContext, type MessageHookParameters } from "./use-message-context.js";

export interface UseMessageListenerParameters
  extends MessageHookParameters,
    Pick<WatchMessagesOptions, "backfill" | "storage" | "dedupeCapacity"> {}

/**
 * Calls `callback` once per message of a topic — live, and back-filled after outages, in timestamp
 * order within each delivery — without re-rendering the component. The newest `callback` is
 * always used (no `useCallback` needed); the subscription ends on unmount.
 *
 * A decoder (instead of a content topic) must keep its identity across renders (`useMemo`): a new
 * one restarts the watcher.
 *
 * @throws {WakuPeersError} `NO_PROVIDER` outside `<WakuPeersProvider>` without `{ node, manager }`.
 *
 * @example
 * useMessageListener("/my-app/1/events/proto", ({ message, source }) => {
 *   analytics.track(source, bytesToUtf8(message.payload));
 * });
 */
export function useMessageListener<T extends IDecodedMessage = IDecodedMessage>(
  topic: TopicOrDecoder<T>,
  callback: (message: ReceivedMessage<T>) => void,
  parameters?: UseMessageListenerParameters,
): void {
  const context = useMessageContext("useMessageListener", parameters);
  const latest = useRef(callback);
  useInsertionEffect(() => {
    latest.current = callback;
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: options are read at start (documented); the callback via a ref
  useEffect(() => {
    if (context === undefined) return;
    const watcher = listedWatcher<T>(context, topic, (message) => latest.current(message), parameters);
    return () => watcher.stop();
  }, [context, topic]);
}
