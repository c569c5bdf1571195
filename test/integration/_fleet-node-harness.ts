/**
 * Helpers for the fleet-node integration tests: in-process service nodes wired into a
 * fleet, real @waku/sdk light nodes pointed at them, a bare libp2p client for raw
 * protocol requests, and a cleanup list that stops everything even when a test fails.
 */
import { noise } from "@chainsafe/libp2p-noise";
import { generateKeyPair, privateKeyToProtobuf } from "@libp2p/crypto/keys";
import { identify } from "@libp2p/identify";
import { mplex } from "@libp2p/mplex";
import { webSockets } from "@libp2p/websockets";
import { multiaddr } from "@multiformats/multiaddr";
import { createLightNode, type LightNode } from "@waku/sdk";
import { bytesToHex } from "@waku/utils/bytes";
import { createLibp2p, type Libp2p } from "libp2p";
import { afterAll, afterEach, beforeAll } from "vitest";
import type { FleetPeer } from "../../fleet/ipc.js";
import { readFrame, writeFrame } from "../../fleet/node/frames.js";
import { type ServiceNode, startServiceNode } from "../../fleet/node/service-node.js";
import { ALL_SERVED_PROTOCOLS, type NodeConfig } from "waku-peers-fleet";

export const CLUSTER_ID = 42;
export const NUM_SHARDS = 8;
export const NETWORK = { clusterId: CLUSTER_ID, numShardsInCluster: NUM_SHARDS } as const;

/** Runs registered teardown steps in reverse order; a failing step does not skip the rest. */
export class Cleanup {
  #steps: Array<() => Promise<unknown> | unknown> = [];

  add<T>(resource: T, stop: (resource: T) => Promise<unknown> | unknown): T {
    this.#steps.push(() => stop(resource));
    return resource;
  }

  async run(): Promise<void> {
    const steps = this.#steps.reverse();
    this.#steps = [];
    const errors: unknown[] = [];
    for (const step of steps) {
      try {
        await step();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, "cleanup failed");
  }
}

export async function newPrivateKeyHex(): Promise<string> {
  return bytesToHex(privateKeyToProtobuf(await generateKeyPair("secp256k1")));
}

export async function nodeConfig(index: number, overrides: Partial<NodeConfig> = {}): Promise<NodeConfig> {
  return {
    index,
    role: index === 0 ? "bootstrap" : "service",
    clusterId: CLUSTER_ID,
    numShardsInCluster: NUM_SHARDS,
    shards: [],
    protocols: [...ALL_SERVED_PROTOCOLS],
    port: 0,
    privateKeyHex: await newPrivateKeyHex(),
    filterSubscriptionTtlMs: 5 * 60 * 1000,
    fault: {},
    ...overrides,
  };
}

export function asFleetPeer(node: ServiceNode): FleetPeer {
  const { peerId, multiaddr: address, enr } = node.identity;
  return { peerId, multiaddr: address, enr };
}

/** Tells every node about all the others, as the supervisor does after each (re)start. */
export function wireFleet(nodes: readonly ServiceNode[]): void {
  const peers = nodes.map(asFleetPeer);
  for (const node of nodes) node.setPeers(peers.filter((peer) => peer.peerId !== node.identity.peerId));
}

export async function startFleet(cleanup: Cleanup, count: number, overrides: Partial<NodeConfig> = {}): Promise<ServiceNode[]> {
  const nodes: ServiceNode[] = [];
  for (let index = 0; index < count; index++) {
    nodes.push(cleanup.add(await startServiceNode(await nodeConfig(index, overrides)), (node) => node.stop()));
  }
  wireFleet(nodes);
  await waitForRelayMesh(nodes);
  return nodes;
}

/** Until every node knows every other one as a relay peer on its topics. */
export interface SharedFleet {
  /** Node `index`; throws when the fleet has no such node (or has not started yet). */
  node(index: number): ServiceNode;
  all(): readonly ServiceNode[];
  /** What one test starts (light nodes, raw clients); run after each test. */
  perTest: Cleanup;
  /** What a describe block starts for all its tests; run after the last test, before the fleet stops. */
  perFile: Cleanup;
}

/**
 * In-process fleet nodes shared by every test of a file: started before the first test, stopped
 * after the last; `perTest` is emptied after each test, even a failed one.
 */
export function sharedFleet(count: number): SharedFleet {
  const fleetCleanup = new Cleanup();
  const perTest = new Cleanup();
  let nodes: ServiceNode[] = [];
  beforeAll(async () => {
    nodes = await startFleet(fleetCleanup, count);
  });
  afterEach(async () => {
    await perTest.run();
  });
  afterAll(async () => {
    await perTest.run();
    await fleetCleanup.run();
  });
  return {
    node(index) {
      const found = nodes[index];
      if (!found) throw new Error(`no node ${index}`);
      return found;
    },
    all: () => nodes,
    perTest,
    perFile: fleetCleanup,
  };
}

export async function waitForRelayMesh(nodes: readonly ServiceNode[], timeoutMs = 20_000): Promise<void> {
  await waitUntil(
    () =>
      nodes.every((node) => {
        const known = new Set(node.relayPeers());
        return nodes.every((other) => other === node || known.has(other.identity.peerId));
      }),
    { timeoutMs, what: "the relay mesh to form" },
  );
}

export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  { timeoutMs = 15_000, intervalMs = 25, what = "a condition" }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * A real SDK light node bootstrapped to the given service nodes only. A fresh options
 * object every time: createLightNode writes into the one it is given.
 */
export async function startLightNode(cleanup: Cleanup, nodes: readonly ServiceNode[]): Promise<LightNode> {
  const light = await createLightNode({
    defaultBootstrap: false,
    discovery: { dns: false, peerExchange: false, peerCache: false },
    bootstrapPeers: nodes.map((node) => node.identity.multiaddr),
    networkConfig: { ...NETWORK },
    libp2p: { filterMultiaddrs: false, hideWebSocketInfo: true },
  });
  cleanup.add(light, (node) => node.stop());
  for (const node of nodes) await waitForServicePeer(light, node);
  return light;
}

/** Until the light node is connected to `node` and identify has told it the node's protocols. */
export async function waitForServicePeer(
  light: LightNode,
  node: ServiceNode,
  codecs: readonly string[] = [LIGHT_PUSH_CODEC_V3],
): Promise<void> {
  const peerId = node.identity.peerId;
  await waitUntil(
    async () => {
      const connected = light.libp2p.getConnections().some((c) => c.remotePeer.toString() === peerId && c.status === "open");
      if (!connected) return false;
      const peers = await light.libp2p.peerStore.all({ filters: [(peer) => peer.id.toString() === peerId] });
      return codecs.every((codec) => peers[0]?.protocols.includes(codec) ?? false);
    },
    { what: `light node to identify ${peerId}` },
  );
}

const LIGHT_PUSH_CODEC_V3 = "/vac/waku/lightpush/3.0.0";

/** A bare libp2p node with the SDK's transport stack, for speaking a protocol by hand. */
export async function startRawClient(
  cleanup: Cleanup,
  handlers: Record<string, Parameters<Libp2p["handle"]>[1]> = {},
): Promise<Libp2p> {
  const client = await createLibp2p({
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [mplex()],
    services: { identify: identify() },
  });
  for (const [codec, handler] of Object.entries(handlers)) await client.handle(codec, handler, { maxInboundStreams: 256 });
  return cleanup.add(client, (node) => node.stop());
}

/** One request/response exchange on a new stream, exactly as @waku/core's clients do it. */
export async function rawRequest(client: Libp2p, node: ServiceNode, codec: string, request: Uint8Array): Promise<Uint8Array> {
  const stream = await client.dialProtocol(multiaddr(node.identity.multiaddr), codec);
  await writeFrame(stream, request);
  const { frame, remoteClosed } = await readFrame(stream);
  // Like the SDK, read until the server closes (see the mplex trap in frames.ts).
  await remoteClosed;
  if (!frame) throw new Error(`${codec}: stream closed without a reply`);
  return frame;
}
