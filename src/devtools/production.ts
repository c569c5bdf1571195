"use client";
// "waku-peers/devtools/production": the devtools for production builds too (a support page, a
// staging build). The same components as "waku-peers/devtools", never switched off; the UI is
// still a chunk of its own, loaded when it first mounts.
import { lazyDevtools } from "./lazy.js";

export type { DevtoolsNode, WakuPeersDevtoolsPanelProps, WakuPeersDevtoolsProps } from "./types.js";

/**
 * `WakuPeersDevtools` and `WakuPeersDevtoolsPanel` of "waku-peers/devtools", shown in production builds too.
 *
 * @example
 * import { WakuPeersDevtoolsPanel } from "waku-peers/devtools/production";
 * <SupportPage><WakuPeersDevtoolsPanel /></SupportPage>
 */
export const { WakuPeersDevtools, WakuPeersDevtoolsPanel } = lazyDevtools({
  floating: () => import("./ui/floating.js"),
  panel: () => import("./ui/panel.js"),
});
