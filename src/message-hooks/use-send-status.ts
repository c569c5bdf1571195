"use client";
import { useCallback, useSyncExternalStore } from "react";

import type { OutboxItem } from "../messages/index.js";
import { outboxRegistryOf } from "./outbox-registry.js";
import { useMessageContext, type MessageHookParameters } from "./use-message-context.js";

const noSubscription = () => () => {};
const nothing = (): undefined => undefined;

/**
 * The status of one sent message — `queued | sending | sent | confirmed | failed | expired` — with
 * its attempts and last error; `undefined` for an id no mounted `useSend` outbox knows. Re-renders
 * only when that message changes.
 *
 * @throws {WakuPeersError} `NO_PROVIDER` outside `<WakuPeersProvider>` without `{ node, manager }`.
 *
 * @example
 * function Status({ id }: { id: string }) {
 *   const item = useSendStatus(id);
 *   return <small>{item?.status ?? "…"}{item?.lastError && ` (${item.lastError})`}</small>;
 * }
 */
export function useSendStatus(id: string | undefined, parameters?: MessageHookParameters): OutboxItem | undefined {
  const context = useMessageContext("useSendStatus", parameters);
  const registry = context === undefined ? undefined : outboxRegistryOf(context);
  const read = useCallback(() => (registry === undefined || id === undefined ? undefined : registry.find(id)), [registry, id]);
  return useSyncExternalStore(registry?.subscribe ?? noSubscription, read, nothing);
}
