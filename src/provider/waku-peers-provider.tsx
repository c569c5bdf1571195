"use client";
import type { CreateNodeOptions, LightNode } from "@waku/sdk";
import { useEffect, useState, type ReactElement, type ReactNode } from "react";

import type { CreatePeerManagerOptions } from "../core/index.js";
import { createInitialState } from "../core/state/store.js";
import { WakuPeersContext } from "./context.js";
import { useManagerOptions } from "./manager-props.js";
import { toNodeSource } from "./node-source.js";
import { useStructurallyStable } from "./use-structurally-stable.js";
import { createWakuPeersController } from "./waku-peers-controller.js";

/**
 * The peer manager's options, as props: policy (`requirements`, `maxEvents`, `reconnectTimeoutMs`,
 * `lostConnectionGraceMs`, `dialConcurrency`, `liveness`, `recovery`, `peerPolicy`, `peerCache`,
 * `filterCanary`) compared by content; callbacks (`random`, `recreateNode`, `parseMultiaddr`)
 * always called at their latest value; seams (`clock`, `environment`, `peerCache.storage`) compared
 * by identity. Changing them never recreates the node.
 */
export interface WakuPeersProviderBaseProps extends Omit<CreatePeerManagerOptions, "rediscover"> {
  children?: ReactNode;
}

/** Where the node comes from: exactly one of `options` and `node`, or neither (see the provider's doc). */
export type WakuPeersProviderNodeProps =
  | {
      /**
       * Options for `createLightNode`. The provider creates and starts the node after mount, stops
       * it on unmount, and recreates it only when the options change structurally (inline
       * objects are fine; functions and class instances inside compare by identity).
       */
      options: CreateNodeOptions;
      node?: never;
    }
  | {
      /** An app-managed node. It is attached, never stopped by the provider. `undefined`: not ready yet. */
      node: LightNode | undefined;
      options?: never;
    }
  | { options?: never; node?: never };

export type WakuPeersProviderProps = WakuPeersProviderBaseProps & WakuPeersProviderNodeProps;

/**
 * Keeps a Waku light node supplied with service peers and publishes its connection state to the
 * hooks below it.
 *
 * Every prop is validated during render: misuse (`requirements={{ lightpush: 2 }}`,
 * `maxEvents={-1}`, in development an unknown prop) throws a `WakuPeersError`, where an error
 * boundary shows it. The first render (and server rendering) shows status `idle`; the node is
 * created, started and watched in an effect. StrictMode's double mount creates one node, and
 * unmounting stops the peer manager and any node the provider created. Inline props re-render
 * nothing and recreate nothing. For a node created by `@waku/react`'s `<WakuProvider>`, use
 * `<WakuReactPeersProvider>` from `waku-peers/waku-react`.
 *
 * @example
 * <WakuPeersProvider
 *   options={{ defaultBootstrap: true, networkConfig: { clusterId: 1, numShardsInCluster: 8 } }}
 *   requirements={{ lightPush: 2, filter: 2, store: 1 }}
 * >
 *   <App />
 * </WakuPeersProvider>
 */
export function WakuPeersProvider(props: WakuPeersProviderProps): ReactElement {
  const { children, options, node, ...rest } = props;
  const { options: managerOptions, parsed } = useManagerOptions(rest);
  const [controller] = useState(() => createWakuPeersController(createInitialState(parsed.requirements)));
  const stableOptions = useStructurallyStable(options);

  useEffect(() => {
    if (
      typeof process !== "undefined" &&
      process.env.NODE_ENV !== "production" &&
      node !== undefined &&
      stableOptions !== undefined
    ) {
      console.warn("[waku-peers] <WakuPeersProvider> got both `node` and `options`; `options` is ignored.");
    }
    controller.acquire(toNodeSource(node, stableOptions), managerOptions);
    return () => controller.release();
  }, [controller, node, stableOptions, managerOptions]);

  return <WakuPeersContext.Provider value={controller}>{children}</WakuPeersContext.Provider>;
}
