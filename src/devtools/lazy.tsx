"use client";
import { lazy, Suspense, type ReactElement } from "react";

import type { WakuPeersDevtoolsPanelProps, WakuPeersDevtoolsProps } from "./types.js";

// The UI is a chunk of its own, fetched when the devtools first mount: an app's main bundle
// carries only these two loaders (and none of it in production, see index.ts).
const Floating = lazy(() => import("./ui/floating.js").then((module) => ({ default: module.FloatingDevtools })));
const Embedded = lazy(() => import("./ui/panel.js").then((module) => ({ default: module.DevtoolsPanel })));

/**
 * The floating devtools (see `WakuPeersDevtools` in "waku-peers/devtools"), loaded on mount.
 *
 * @example
 * <WakuPeersDevtools initialIsOpen position="bottom-left" />
 */
export function LazyDevtools(props: WakuPeersDevtoolsProps): ReactElement {
  return (
    <Suspense fallback={null}>
      <Floating {...props} />
    </Suspense>
  );
}

/**
 * The devtools panel in the page's flow (see `WakuPeersDevtoolsPanel`), loaded on mount.
 *
 * @example
 * <WakuPeersDevtoolsPanel manager={manager} node={node} />
 */
export function LazyDevtoolsPanel(props: WakuPeersDevtoolsPanelProps): ReactElement {
  return (
    <Suspense fallback={null}>
      <Embedded {...props} />
    </Suspense>
  );
}
