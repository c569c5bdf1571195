import type { IDecodedMessage } from "@waku/sdk";

import {
  watchMessages,
  type MessageContext,
  type MessageWatcher,
  type ReceivedMessage,
  type TopicOrDecoder,
  type WatchMessagesOptions,
} from "../messages/index.js";
import { messageActivityOf } from "./message-activity.js";
import { watcherOptions } from "./watcher-options.js";

/**
 * The receiving hooks' watcher: `watchMessages` with the hook's options, listed in the manager's
 * message activity (where the devtools find its sync state and gaps) until it is stopped.
 */
export function listedWatcher<T extends IDecodedMessage>(
  context: MessageContext,
  topic: TopicOrDecoder<T>,
  onMessage: (message: ReceivedMessage<T>) => void,
  parameters: Pick<WatchMessagesOptions, "backfill" | "storage" | "dedupeCapacity"> | undefined,
): MessageWatcher {
  const watcher = watchMessages<T>(context, watcherOptions(topic, onMessage, parameters));
  const unlist = messageActivityOf(context.manager).addWatcher(typeof topic === "string" ? topic : topic.contentTopic, watcher);
  return {
    getSync: () => watcher.getSync(),
    subscribeSync: (listener) => watcher.subscribeSync(listener),
    backfill: () => watcher.backfill(),
    ready: watcher.ready,
    stop() {
      unlist();
      watcher.stop();
    },
  };
}
