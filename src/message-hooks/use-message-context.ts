"use client";
import { useContext, useMemo, useSyncExternalStore } from "react";

import { WakuPeersError } from "../core/index.js";
import type { MessageContext } from "../messages/index.js";
import { WakuPeersContext } from "../provider/context.js";

/** Every message hook accepts these: an explicit node and manager instead of the nearest provider. */
export interface MessageHookParameters {
  /** With `manager`: use these instead of `<WakuPeersProvider>` (apps running the core themselves, tests). */
  node?: MessageContext["node"] | undefined;
  manager?: MessageContext["manager"] | undefined;
}

const noSubscription = () => () => {};
const nothing = (): undefined => undefined;

/**
 * The node and manager the message hooks work with — the explicit ones, or the provider's once its
 * node is started (`undefined` until then and during server rendering). The one place the message
 * hooks read the provider, so a change of its context is one file to adapt.
 *
 * @throws {WakuPeersError} `NO_PROVIDER` outside `<WakuPeersProvider>` without `{ node, manager }`.
 */
export function useMessageContext(hookName: string, parameters?: MessageHookParameters): MessageContext | undefined {
  const provided = useContext(WakuPeersContext);
  const explicit = parameters?.node !== undefined && parameters.manager !== undefined;
  if (!explicit && provided === null) {
    throw new WakuPeersError("NO_PROVIDER", [
      `${hookName}() must be used inside <WakuPeersProvider> (or be given { node, manager })`,
    ]);
  }
  const subscribe = explicit || provided === null ? noSubscription : provided.subscribeAttachment;
  const node = useSyncExternalStore(subscribe, explicit || provided === null ? nothing : provided.getNode, nothing);
  const manager = useSyncExternalStore(subscribe, explicit || provided === null ? nothing : provided.getManager, nothing);
  const chosenNode = explicit ? parameters.node : node;
  const chosenManager = explicit ? parameters.manager : manager;
  return useMemo(
    () => (chosenNode !== undefined && chosenManager !== undefined ? { node: chosenNode, manager: chosenManager } : undefined),
    [chosenNode, chosenManager],
  );
}
