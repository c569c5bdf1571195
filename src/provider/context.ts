"use client";
import type { LightNode } from "@waku/sdk";
import { createContext, useContext, useMemo } from "react";

import { WakuPeersError, type PeerManager } from "../core/index.js";
import type { WakuPeersContextValue } from "./waku-peers-controller.js";

/** Carries the provider's store, node and manager to the hooks. `null` outside a provider. */
export const WakuPeersContext = createContext<WakuPeersContextValue | null>(null);
WakuPeersContext.displayName = "WakuPeersContext";

/** Every hook that reads waku-peers state accepts these. */
export interface WakuPeersHookParameters {
  /**
   * Read this peer manager instead of the nearest `<WakuPeersProvider>`: for apps that run the
   * core themselves (`waku-peers/core`) and for tests.
   */
  manager?: PeerManager | undefined;
}

/**
 * The provider's value, or an explicit manager wrapped to look like one.
 * @throws {WakuPeersError} `NO_PROVIDER` outside a provider without an explicit manager.
 */
export function useWakuPeersContext(hookName: string, parameters?: WakuPeersHookParameters): WakuPeersContextValue {
  const fromProvider = useContext(WakuPeersContext);
  const manager = parameters?.manager;
  const fromManager = useMemo(() => (manager ? contextValueOf(manager) : undefined), [manager]);
  const value = fromManager ?? fromProvider;
  if (value === null) {
    throw new WakuPeersError("NO_PROVIDER", [`${hookName}() must be used inside <WakuPeersProvider> (or be given { manager })`]);
  }
  return value;
}

const noAttachmentChanges = () => () => {};

/**
 * A manager (and optionally its node) as the provider's context value: what the hooks read when
 * given `{ manager }`, and what `<MockWakuPeersProvider>` provides.
 */
export function contextValueOf(manager: PeerManager, node?: LightNode): WakuPeersContextValue {
  return {
    store: manager.store,
    // A bare manager does not expose its node; apps running the core hold it themselves.
    getNode: () => node,
    getManager: () => manager,
    subscribeAttachment: noAttachmentChanges,
    onLostConnection: (listener) => manager.onLostConnection(listener),
    reconnect: (options) => manager.reconnect(options),
  };
}
