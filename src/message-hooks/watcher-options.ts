import type { IDecodedMessage } from "@waku/sdk";

import type { ReceivedMessage, TopicOrDecoder, WatchMessagesOptions } from "../messages/index.js";

/** The watcher options of the receiving hooks: the topic or decoder, the callback, and what the caller set. */
export function watcherOptions<T extends IDecodedMessage>(
  topic: TopicOrDecoder<T>,
  onMessage: (message: ReceivedMessage<T>) => void,
  parameters: Pick<WatchMessagesOptions, "backfill" | "storage" | "dedupeCapacity"> | undefined,
): WatchMessagesOptions<T> {
  return {
    ...(typeof topic === "string" ? { contentTopic: topic } : { decoder: topic }),
    onMessage,
    ...(parameters?.backfill !== undefined ? { backfill: parameters.backfill } : {}),
    ...(parameters?.storage !== undefined ? { storage: parameters.storage } : {}),
    ...(parameters?.dedupeCapacity !== undefined ? { dedupeCapacity: parameters.dedupeCapacity } : {}),
  };
}
