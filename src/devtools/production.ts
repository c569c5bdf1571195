"use client";
// "waku-peers/devtools/production": the devtools for production builds too (a support page, a
// staging build). The same components as "waku-peers/devtools", never switched off; the UI is
// still a chunk of its own, loaded when it first mounts.

export { LazyDevtools as WakuPeersDevtools, LazyDevtoolsPanel as WakuPeersDevtoolsPanel } from "./lazy.js";
export type { DevtoolsNode, WakuPeersDevtoolsPanelProps, WakuPeersDevtoolsProps } from "./types.js";
