"use client";
import { lazy, Suspense, type ComponentType, type ReactElement } from "react";

import type { WakuPeersDevtoolsPanelProps, WakuPeersDevtoolsProps } from "./types.js";

/** How an entry fetches the UI chunks: the `import()` calls stay in the entry, where a production build can drop them. */
export interface DevtoolsChunks {
  floating(): Promise<{ FloatingDevtools: ComponentType<WakuPeersDevtoolsProps> }>;
  panel(): Promise<{ DevtoolsPanel: ComponentType<WakuPeersDevtoolsPanelProps> }>;
}

export interface DevtoolsComponents {
  WakuPeersDevtools(props: WakuPeersDevtoolsProps): ReactElement;
  WakuPeersDevtoolsPanel(props: WakuPeersDevtoolsPanelProps): ReactElement;
}

/**
 * The two devtools components over chunks fetched when they first mount: an app's first bundle
 * carries only these loaders. Bundlers emit a chunk for every `import()` they see, even one in
 * code nothing calls — so the gated entry calls this only in a branch a production build removes.
 *
 * @example
 * const { WakuPeersDevtools } = lazyDevtools({
 *   floating: () => import("./ui/floating.js"),
 *   panel: () => import("./ui/panel.js"),
 * });
 */
export function lazyDevtools(chunks: DevtoolsChunks): DevtoolsComponents {
  const Floating = lazy(() => chunks.floating().then((module) => ({ default: module.FloatingDevtools })));
  const Panel = lazy(() => chunks.panel().then((module) => ({ default: module.DevtoolsPanel })));
  return {
    // biome-ignore lint/correctness/noComponentHookFactories: each entry calls lazyDevtools once, at module level
    WakuPeersDevtools: (props) => (
      <Suspense fallback={null}>
        <Floating {...props} />
      </Suspense>
    ),
    // biome-ignore lint/correctness/noComponentHookFactories: each entry calls lazyDevtools once, at module level
    WakuPeersDevtoolsPanel: (props) => (
      <Suspense fallback={null}>
        <Panel {...props} />
      </Suspense>
    ),
  };
}
