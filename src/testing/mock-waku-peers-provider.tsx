"use client";
import type { LightNode } from "@waku/sdk";
import { useEffect, useMemo, useRef, useState, type ReactElement, type ReactNode } from "react";

import type { Requirements, WakuPeersState } from "../core/types.js";
import { contextValueOf, WakuPeersContext } from "../provider/context.js";
import { useStructurallyStable } from "../provider/use-structurally-stable.js";
import { createMockPeerManager, type MockPeerManager } from "./create-mock-peer-manager.js";
import { createMockWakuNode, type MockWakuNode } from "./create-mock-waku-node.js";

export type MockWakuPeersProviderProps = {
  children?: ReactNode;
  /** The node `useWakuNode()` and the message hooks get. Default: a {@link createMockWakuNode} over the manager. */
  node?: MockWakuNode | LightNode;
} & (
  | {
      /** A mock the test drives (`setStatus`, `lose()`, `scenario(...)`); the test stops it. */
      manager: MockPeerManager;
      state?: never;
      requirements?: never;
    }
  | {
      /**
       * Or just a state: a mock manager is created with it (see `createMockPeerManager`), reset to
       * the new state when the prop changes (compared by content), and stopped on unmount.
       */
      state?: Partial<WakuPeersState>;
      requirements?: Partial<Requirements>;
      manager?: never;
    }
);

/**
 * Feeds the real hooks (`useConnectionStatus`, `usePeerHealth`, `useReconnect`, `usePeers`,
 * `useLostConnectionListener`, the `waku-peers/messages` hooks…) from a mock peer manager instead
 * of a Waku node: component tests without a network. What the hooks return is what they return
 * under `<WakuPeersProvider>` for the same state.
 *
 * @example
 * const manager = createMockPeerManager({ status: "connected" });
 * render(<MockWakuPeersProvider manager={manager}><Badge /></MockWakuPeersProvider>);
 * act(() => manager.lose());
 * // or, for a fixed state:
 * render(<MockWakuPeersProvider state={{ status: "degraded" }}><Badge /></MockWakuPeersProvider>);
 */
export function MockWakuPeersProvider(props: MockWakuPeersProviderProps): ReactElement {
  const { children, manager: given, node: givenNode } = props;
  const state = useStructurallyStable(props.state);
  const owned = useOwnedMock(given === undefined, state, props.requirements);
  const manager = given ?? (owned as MockPeerManager);
  const node = useMemo(() => givenNode ?? createMockWakuNode(manager), [givenNode, manager]);
  const value = useMemo(() => contextValueOf(manager, node as LightNode), [manager, node]);
  return <WakuPeersContext.Provider value={value}>{children}</WakuPeersContext.Provider>;
}

/** The mock made from the `state` prop: created once, updated when the state changes, stopped on unmount. */
function useOwnedMock(
  wanted: boolean,
  state: Partial<WakuPeersState> | undefined,
  requirements: Partial<Requirements> | undefined,
): MockPeerManager | undefined {
  const [mock] = useState(() => (wanted ? createMockPeerManager(state, { requirements }) : undefined));
  const applied = useRef(state);
  useEffect(() => {
    if (mock === undefined || applied.current === state) return;
    applied.current = state;
    mock.reset(state);
  }, [mock, state]);
  // Stopped only for good: StrictMode's unmount-remount keeps the same mock, which must survive it.
  const mounts = useRef(0);
  useEffect(() => {
    if (mock === undefined) return;
    mounts.current++;
    return () => {
      mounts.current--;
      queueMicrotask(() => {
        if (mounts.current === 0) mock.stop();
      });
    };
  }, [mock]);
  return mock;
}
