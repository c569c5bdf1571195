"use client";
/**
 * The `waku-peers/waku-react` entry: the only module that imports `@waku/react`, so apps that do
 * not use it never need it installed (the main entry importing it would make every bundler and
 * Node resolve it).
 */
import { useWaku } from "@waku/react";
import type { ReactElement } from "react";

import { WakuPeersProvider, type WakuPeersProviderBaseProps } from "./waku-peers-provider.js";

export type WakuReactPeersProviderProps = WakuPeersProviderBaseProps;

/**
 * `<WakuPeersProvider>` for a node created by `@waku/react`: placed inside its `<WakuProvider>`,
 * it attaches `useWaku().node` as an app-managed node (never stopped by waku-peers; the status is
 * `idle` until `@waku/react` hands the node over, which it does only after its `waitForPeers()`).
 *
 * @example
 * import { WakuProvider } from "@waku/react";
 * import { WakuReactPeersProvider } from "waku-peers/waku-react";
 *
 * <WakuProvider options={{ defaultBootstrap: true }}>
 *   <WakuReactPeersProvider requirements={{ store: 1 }}>
 *     <App />
 *   </WakuReactPeersProvider>
 * </WakuProvider>
 */
export function WakuReactPeersProvider(props: WakuReactPeersProviderProps): ReactElement {
  const { node } = useWaku();
  return <WakuPeersProvider {...props} node={node} />;
}
