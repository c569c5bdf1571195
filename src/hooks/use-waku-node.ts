"use client";
import type { LightNode } from "@waku/sdk";
import { useSyncExternalStore } from "react";

import { useWakuPeersContext } from "../provider/context.js";

const noNode = (): undefined => undefined;

/**
 * The provider's Waku node: the one it created once started, or the attached app-managed one.
 * `undefined` before that, during server rendering, and after unmount. Use it to send and
 * receive (`node.lightPush`, `node.filter`, `node.store`); do not stop a node the provider created.
 *
 * @throws {WakuPeersError} `NO_PROVIDER` outside `<WakuPeersProvider>`.
 *
 * @example
 * const node = useWakuNode();
 * const send = (payload: Uint8Array) =>
 *   node?.lightPush.send(createEncoder({ contentTopic }), { payload });
 */
export function useWakuNode(): LightNode | undefined {
  const { subscribeAttachment, getNode } = useWakuPeersContext("useWakuNode");
  return useSyncExternalStore(subscribeAttachment, getNode, noNode);
}
