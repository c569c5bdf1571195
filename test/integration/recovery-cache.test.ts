// The peer cache against a real fleet: good peers remembered, dialed first on the next start;
// a cache full of garbage ignored without a throw or an unhandled rejection.
import { createLightNode, type LightNode } from "@waku/sdk";
import { describe, expect, it } from "vitest";

import { lightNodeOptions } from "waku-peers-fleet";
import type { Fleet } from "waku-peers-fleet";
import { DEFAULT_OPTIONS } from "../../src/core/index.js";

const DEFAULT_PEER_CACHE_KEY = DEFAULT_OPTIONS.peerCache!.key;
import { unhandledRejections } from "../setup/unhandled.js";
import {
  attach,
  contentTopic,
  expectDelivered,
  filterLiveAgain,
  fleetOf,
  log,
  memoryStorage,
  poll,
  subscribe,
  waitForState,
  servesAll,
  trackResources,
} from "./_recovery-helpers.js";

const resources = trackResources();

function cachedIds(storage: ReturnType<typeof memoryStorage>): string[] {
  try {
    const parsed = JSON.parse(storage.items.get(DEFAULT_PEER_CACHE_KEY) ?? "") as { v?: unknown; peers?: { id?: unknown }[] };
    if (parsed.v !== 1 || !Array.isArray(parsed.peers)) return [];
    return parsed.peers.map((peer) => peer?.id).filter((id): id is string => typeof id === "string" && id.startsWith("16Uiu2"));
  } catch {
    return []; // still the garbage the test wrote
  }
}

/** Starts a light node and records, from the moment it exists, which peers connect in what order. */
async function startApp(fleet: Fleet): Promise<{ node: LightNode; connectOrder: string[]; startedAt: number }> {
  const startedAt = performance.now();
  const node = await createLightNode(lightNodeOptions(fleet));
  resources.add("light node", node, (value) => value.stop());
  const connectOrder: string[] = [];
  node.libp2p.addEventListener("peer:connect", (event) => connectOrder.push(event.detail.toString()));
  return { node, connectOrder, startedAt };
}

describe("peer cache", () => {
  it("after a restart of the app, peers come from the cache first", async () => {
    const fleet = await fleetOf(resources, { nodes: 4, bootstrap: 1 });
    const bootstrapIds = new Set(fleet.nodes.filter((info) => info.role === "bootstrap").map((info) => info.peerId));
    const storage = memoryStorage();

    // First run: discover the fleet through the bootstrap node and peer exchange.
    const first = await startApp(fleet);
    const firstRun = attach(resources, first.node, fleet, { peerCache: { storage } });
    await waitForState(firstRun.manager, (state) => state.status === "connected", 30_000, "first run connected");
    const firstConnectedMs = Math.round(performance.now() - first.startedAt);
    await waitForState(
      firstRun.manager,
      (state) => Object.values(state.peers).filter((peer) => peer.connected && servesAll(peer.protocols)).length === 4,
      30_000,
      "all four fleet nodes serving",
    );
    const remembered = await poll(
      () => (cachedIds(storage).length === 3 ? cachedIds(storage) : undefined),
      10_000,
      "three peers cached",
    );
    // Bootstrap peers are configured anyway; the cache keeps the ones peer exchange found.
    expect(remembered.filter((id) => bootstrapIds.has(id))).toEqual([]);
    firstRun.manager.stop();
    await first.node.stop();

    // Second run, same storage: the remembered peers are dialed before anything else.
    const second = await startApp(fleet);
    const secondRun = attach(resources, second.node, fleet, { peerCache: { storage } });
    await waitForState(secondRun.manager, (state) => state.status === "connected", 30_000, "second run connected");
    const secondConnectedMs = Math.round(performance.now() - second.startedAt);
    log(`start → connected: ${firstConnectedMs} ms without a cache, ${secondConnectedMs} ms from the cache`);
    const order = second.connectOrder.map((id) =>
      bootstrapIds.has(id) ? "bootstrap" : remembered.includes(id) ? "cached" : "other",
    );
    log(`second run connected in this order: ${order.join(", ")}`);
    expect(remembered).toContain(second.connectOrder[0]);
    const tags = Object.values(secondRun.manager.store.getState().peers)
      .filter((peer) => remembered.includes(peer.id))
      .map((peer) => peer.tags);
    expect(tags.some((list) => list.includes("peer-cache"))).toBe(true);

    const topic = contentTopic("cache");
    const inbox = await subscribe(second.node, topic);
    await filterLiveAgain(fleet, second.node);
    await expectDelivered(second.node, inbox, topic, "after a start from the cache", 10_000, fleet);
  });

  it("a cache full of garbage is ignored: no throw, no rejection, a normal start, then a valid cache", async () => {
    const fleet = await fleetOf(resources, { nodes: 3, bootstrap: 1 });
    const serviceNode = fleet.nodes.find((info) => info.role !== "bootstrap")!;
    const hostile = JSON.stringify({
      v: 1,
      peers: [
        null,
        42,
        "16Uiu2HAmBadString",
        { id: "not a peer id", addrs: ["/ip4/127.0.0.1/tcp/1/ws/p2p/not a peer id"], lastSeen: Date.now(), score: 100 },
        // Another node's address under this node's id: the address must name the peer.
        { id: serviceNode.peerId, addrs: [fleet.nodes[0]!.multiaddr], lastSeen: Date.now(), score: 100 },
        { id: serviceNode.peerId, addrs: [serviceNode.multiaddr], lastSeen: -1, score: 100 },
        { id: serviceNode.peerId, addrs: [serviceNode.multiaddr], lastSeen: Date.now() + 10 * 24 * 3600 * 1000, score: 100 },
        { id: serviceNode.peerId, addrs: [serviceNode.multiaddr], lastSeen: Date.now(), score: "100" },
        {
          id: serviceNode.peerId,
          addrs: [`/ip4/127.0.0.1/tcp/1/ws/${"x".repeat(5_000)}/p2p/${serviceNode.peerId}`],
          lastSeen: Date.now(),
          score: 100,
        },
        { id: serviceNode.peerId, addrs: [`/garbage/\u0000/p2p/${serviceNode.peerId}`], lastSeen: Date.now(), score: 100 },
      ],
    }).replace('"peers":[', '"peers":[{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}},');
    const variants = [
      "{not json",
      JSON.stringify({ v: 999, peers: [] }),
      JSON.stringify([1, 2, 3]),
      "x".repeat(200_000),
      hostile,
    ];
    const rejectionsBefore = unhandledRejections().length;

    for (const garbage of variants) {
      const storage = memoryStorage({ [DEFAULT_PEER_CACHE_KEY]: garbage });
      const { node, connectOrder } = await startApp(fleet);
      const { manager } = attach(resources, node, fleet, { peerCache: { storage } });
      await waitForState(manager, (state) => state.status === "connected", 30_000, `connected despite ${garbage.slice(0, 40)}`);
      // Nothing came from the cache: the way in was the bootstrap node, as on a first start.
      expect(connectOrder[0]).toBe(fleet.nodes[0]!.peerId);
      expect(manager.store.getState().events.filter((event) => event.type === "peer:dial-failed")).toEqual([]);
      // Once peers serve, the garbage is replaced by a valid cache.
      await poll(
        () => (storage.items.get(DEFAULT_PEER_CACHE_KEY) !== garbage && cachedIds(storage).length > 0 ? true : undefined),
        10_000,
        "a valid cache written over the garbage",
      );
      expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
      manager.stop();
      await node.stop();
    }
    expect(unhandledRejections().length).toBe(rejectionsBefore);
    log(`${variants.length} kinds of garbage ignored; each start went through the bootstrap node`);
  });
});
