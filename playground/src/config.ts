import type { CreateNodeOptions } from "@waku/sdk";

/** What `npm start` (or the e2e harness) hands the page through the virtual config module. */
export interface PlaygroundConfig {
  mode: "fleet" | "public";
  /** Passed to `WakuPeersProvider options`: the provider creates the light node from it. */
  nodeOptions: CreateNodeOptions;
  /** The fleet's control API, for the chaos panel (fleet mode only). */
  control?: { url: string; token: string };
  /** Fleet nodes as the supervisor saw them at start, for labelling peers. */
  fleetNodes?: { index: number; peerId: string; role: string }[];
  contentTopic: string;
}
