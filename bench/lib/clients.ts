/**
 * The two sides of every end-to-end row, built from the same light node options:
 * - the SDK alone: `createLightNode(lightNodeOptions(fleet))`, nothing attached;
 * - ours: the same node with `createPeerManager(node)` at its shipped defaults. The only option
 *   passed is `bootstrapPeers` (the addresses the node was created with: information about the
 *   node, not a tuning knob), plus an environment where a row simulates the device going offline.
 */
import { createLightNode, type CreateNodeOptions, type LightNode } from "@waku/sdk";

import { lightNodeOptions, type Fleet } from "waku-peers-fleet";
import { createPeerManager, preloadPeerManager, type CreatePeerManagerOptions, type PeerManager } from "../../src/core/index.js";
import { sleep, withTimeout } from "./time.js";

export interface SdkClient {
  readonly node: LightNode;
  stop(): Promise<void>;
}

export interface OurClient extends SdkClient {
  readonly manager: PeerManager;
}

export interface ClientOptions {
  /** Merged into `lightNodeOptions(fleet)` for both sides alike (e.g. a connection gater). */
  nodeOptions?: CreateNodeOptions;
}

export async function startSdkAlone(fleet: Fleet, options: ClientOptions = {}): Promise<SdkClient> {
  const node = await createLightNode(lightNodeOptions(fleet, options.nodeOptions));
  return { node, stop: () => stopNode(node) };
}

export interface OurClientOptions extends ClientOptions {
  managerOptions?: CreatePeerManagerOptions;
  /** Runs after the node exists and before the manager attaches: listeners that must come first. */
  beforeAttach?: (node: LightNode) => void;
}

export async function startOurs(fleet: Fleet, options: OurClientOptions = {}): Promise<OurClient> {
  const nodeOptions = lightNodeOptions(fleet, options.nodeOptions);
  const bootstrapPeers = [...(nodeOptions.bootstrapPeers ?? [])];
  // Every default on from attach: the manager's acting parts are loaded before it is created.
  await preloadPeerManager();
  const node = await createLightNode(nodeOptions);
  options.beforeAttach?.(node);
  let manager: PeerManager;
  try {
    manager = createPeerManager(node, { bootstrapPeers, ...options.managerOptions });
  } catch (error) {
    await stopNode(node);
    throw error;
  }
  return {
    node,
    manager,
    async stop() {
      manager.stop();
      await stopNode(node);
    },
  };
}

/**
 * Stops a node without letting a frozen peer (whose graceful close never completes) hold a row up;
 * a stop that fails has nothing left to measure.
 */
async function stopNode(node: LightNode): Promise<void> {
  await withTimeout(node.stop(), 10_000, "light node stop").catch(() => {});
  // libp2p finishes closing sockets on the next turns; let it, so the next trial starts clean.
  await sleep(50);
}

/** Stops every client, whatever happens to the others. */
export async function stopAll(clients: readonly (SdkClient | undefined)[]): Promise<void> {
  await Promise.allSettled(clients.map((client) => client?.stop()));
}
