"use client";
// "waku-peers/devtools": see the connection while developing. The panel's UI is a chunk of its
// own, loaded when it first mounts; in a production build (`process.env.NODE_ENV` is
// "production", which every React bundler sets) both components render nothing and the UI is
// left out of the bundle altogether. To show it in production, import "waku-peers/devtools/production".

import type { ReactElement } from "react";

import { lazyDevtools } from "./lazy.js";
import type { WakuPeersDevtoolsPanelProps, WakuPeersDevtoolsProps } from "./types.js";

export type { DevtoolsNode, WakuPeersDevtoolsPanelProps, WakuPeersDevtoolsProps } from "./types.js";
export { connectReduxDevtools } from "./connect-redux-devtools.js";
export type { ConnectReduxDevtoolsOptions, ReduxDevtoolsConnection, ReduxDevtoolsExtension } from "./connect-redux-devtools.js";
export { useReduxDevtools } from "./use-redux-devtools.js";
export type { UseReduxDevtoolsParameters } from "./use-redux-devtools.js";
export type { DevtoolsAction } from "./describe-changes.js";

const renderNothing = (): null => null;

// In a production build this whole branch is dropped at compile time, its `import()` calls with
// it: no chunk of the UI is even emitted.
const components =
  process.env.NODE_ENV === "production"
    ? undefined
    : lazyDevtools({ floating: () => import("./ui/floating.js"), panel: () => import("./ui/panel.js") });

/**
 * A floating, collapsible panel for development: the status timeline, per-protocol counts against
 * the requirements, the peers (score, round trip, tags, quarantine), recovery progress, the event
 * log, the outboxes and back-fill gaps of the message hooks, and actions (reconnect, hard
 * reconnect, simulate offline, hang up a peer). Styles live in a shadow root: nothing leaks into
 * the app, nothing of the app's leaks in. Renders nothing in production builds.
 *
 * @throws {WakuPeersError} `NO_PROVIDER` outside `<WakuPeersProvider>` without `manager`.
 *
 * @example
 * <WakuPeersProvider options={options}>
 *   <App />
 *   <WakuPeersDevtools initialIsOpen={false} position="bottom-right" />
 * </WakuPeersProvider>
 */
export const WakuPeersDevtools: (props: WakuPeersDevtoolsProps) => ReactElement | null =
  components?.WakuPeersDevtools ?? renderNothing;

/**
 * The same panel in the page's flow (no floating button): for a debug page, or beside your own
 * components. Renders nothing in production builds.
 *
 * @example
 * <section className="debug">
 *   <WakuPeersDevtoolsPanel peerLabels={{ [myNodeId]: "our relay" }} />
 * </section>
 */
export const WakuPeersDevtoolsPanel: (props: WakuPeersDevtoolsPanelProps) => ReactElement | null =
  components?.WakuPeersDevtoolsPanel ?? renderNothing;
