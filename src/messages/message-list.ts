import type { IDecodedMessage } from "@waku/sdk";

import type { ReceivedMessage } from "./types.js";

const byTimestamp = (a: ReceivedMessage, b: ReceivedMessage): number =>
  a.timestamp - b.timestamp || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0);

/**
 * A message list ordered by timestamp, with `batch` merged in: a back-filled message is placed
 * where it belongs, not appended. Over `limit`, the messages that **arrived** first are dropped
 * (lowest `sequence`), never the ones that just came — so a back-fill of old messages is not
 * evicted before the app ever shows it. Returns a new array (the old one is left as it was).
 *
 * @example
 * list = mergeMessages(list, [received], 500);
 */
export function mergeMessages<T extends IDecodedMessage>(
  list: readonly ReceivedMessage<T>[],
  batch: readonly ReceivedMessage<T>[],
  limit: number,
): readonly ReceivedMessage<T>[] {
  if (batch.length === 0) return list;
  const known = new Set(list.map((message) => message.hash));
  const merged = [...list, ...batch.filter((message) => !known.has(message.hash))].sort(byTimestamp);
  const excess = merged.length - Math.max(0, Math.floor(limit));
  if (excess <= 0) return merged;
  const evicted = new Set(
    [...merged]
      .sort((a, b) => a.sequence - b.sequence)
      .slice(0, excess)
      .map((message) => message.hash),
  );
  return merged.filter((message) => !evicted.has(message.hash));
}
