import { describe, expect, it } from "vitest";

import type { CreatePeerManagerOptions, Environment, EnvironmentEvent, PeerManager } from "../../../src/core/index.js";
import { countUpdates, createFakeNode, FULL, managerHarness, settle } from "../_harness.js";

const harness = managerHarness({ fakeTimers: false });
let manager: PeerManager | undefined;

function start(fake = createFakeNode(), options: CreatePeerManagerOptions = {}) {
  const started = harness.create(fake, options);
  manager = started;
  return { fake, manager: started, state: () => started.store.getState() };
}

describe("reading the node at attach", () => {
  it("sees peers that connected before the manager existed", async () => {
    const fake = createFakeNode();
    fake.connectPeer("A", {
      protocols: [...FULL],
      tags: ["bootstrap"],
      rttMs: 42,
      openedAt: 1_000,
      address: "/ip4/10.0.0.1/tcp/8000/ws",
    });
    fake.connectPeer("B", { protocols: ["lightPush", "filter"] });
    const { state } = start(fake);
    await settle();
    expect(state().status).toBe("connected");
    expect(state().peers.A).toEqual({
      id: "A",
      protocols: ["lightPush", "filter", "store"],
      tags: ["bootstrap"],
      address: "/ip4/10.0.0.1/tcp/8000/ws",
      connected: true,
      connectedSince: 1_000,
      rttMs: 42,
      score: 100,
      lastFailure: undefined,
    });
    expect(state().health.lightPush.connected).toBe(2);
  });

  it("leaves idle at once, before any event", () => {
    const { manager, state } = start();
    expect(manager.store.getInitialState().status).toBe("idle");
    expect(state().status).toBe("connecting");
  });
});

describe("following peer events", () => {
  it("walks connecting → degraded → connected as service peers arrive", async () => {
    const { fake, state } = start();
    const seen: string[] = [];
    manager!.store.subscribe(
      (s) => s.status,
      (status) => seen.push(status),
    );
    fake.connectPeer("A", { protocols: [...FULL] });
    await settle();
    fake.connectPeer("B", { protocols: ["lightPush", "filter"] });
    await settle();
    expect(seen).toEqual(["degraded", "connected"]);
    expect(state().firstConnectedAt).toBeTypeOf("number");
  });

  it("is reconnecting, not connecting, after losing every service peer it once had", async () => {
    const { fake, state } = start();
    fake.connectPeer("A", { protocols: [...FULL] });
    fake.connectPeer("B", { protocols: [...FULL] });
    await settle();
    fake.disconnectPeer("A");
    await settle();
    expect(state().status).toBe("degraded");
    fake.disconnectPeer("B");
    await settle();
    expect(state().status).toBe("reconnecting");
    expect(state().health.overall).toBe("unhealthy");
  });

  it("classifies 1 filter + 2 light push as degraded with filter not ok", async () => {
    const { fake, state } = start();
    fake.connectPeer("A", { protocols: ["lightPush", "filter", "store"] });
    fake.connectPeer("B", { protocols: ["lightPush"] });
    await settle();
    expect(state().status).toBe("degraded");
    expect(state().health.overall).toBe("degraded");
    expect(state().health.filter).toEqual({ connected: 1, required: 2, ok: false });
    expect(state().health.lightPush).toEqual({ connected: 2, required: 2, ok: true });
  });

  it("no longer counts a peer for filter once its connection closed, though the peer store keeps its protocols", async () => {
    const { fake, state } = start();
    fake.connectPeer("A", { protocols: ["filter"] });
    await settle();
    expect(state().health.filter.connected).toBe(1);
    fake.disconnectPeer("A");
    await settle();
    expect((await fake.libp2p.peerStore.get({ toString: () => "A" })).protocols).toContain(
      "/vac/waku/filter-subscribe/2.0.0-beta1",
    );
    expect(state().health.filter.connected).toBe(0);
    expect(state().peers.A?.connected).toBe(false);
  });

  it("does not count a connection that is closing", async () => {
    const { fake, state } = start();
    const connection = fake.connectPeer("A", { protocols: ["filter"] });
    await settle();
    connection.status = "closing";
    fake.libp2p.emit("connection:close", connection);
    await settle();
    expect(state().health.filter.connected).toBe(0);
  });

  it("lists a connected peer before identify, and counts it once identified", async () => {
    const { fake, state } = start();
    fake.connectPeer("A", { protocols: ["lightPush"], identify: false });
    await settle();
    expect(state().peers.A).toMatchObject({ connected: true, protocols: [] });
    expect(state().health.lightPush.connected).toBe(0);
    fake.identifyPeer("A");
    await settle();
    expect(state().peers.A?.protocols).toEqual(["lightPush"]);
    expect(state().health.lightPush.connected).toBe(1);
  });

  it("counts a light push v2 peer for light push", async () => {
    const { fake, state } = start();
    fake.connectPeer("A", { protocols: ["lightPushV2"] });
    await settle();
    expect(state().health.lightPush.connected).toBe(1);
  });

  it("follows tag changes from peer:update", async () => {
    const { fake, state } = start();
    fake.connectPeer("A", { protocols: ["store"] });
    await settle();
    fake.updatePeer("A", { tags: ["peer-exchange"] });
    await settle();
    expect(state().peers.A?.tags).toEqual(["peer-exchange"]);
  });

  it("forgets a peer that offered no Waku service once it disconnects, but remembers a service peer", async () => {
    const { fake, state } = start();
    fake.connectPeer("plain");
    fake.connectPeer("served", { protocols: ["store"] });
    await settle();
    expect(Object.keys(state().peers).sort()).toEqual(["plain", "served"]);
    fake.disconnectPeer("plain");
    fake.disconnectPeer("served");
    await settle();
    expect(Object.keys(state().peers)).toEqual(["served"]);
  });

  it("keeps a disconnected peer's score when it comes back", async () => {
    const { fake, state } = start();
    fake.connectPeer("A", { protocols: ["store"] });
    await settle();
    manager!.reportFailure("A", "store", "timeout");
    fake.disconnectPeer("A");
    fake.connectPeer("A");
    await settle();
    expect(state().peers.A).toMatchObject({ connected: true, score: 80 });
  });
});

describe("store updates", () => {
  it("coalesce a burst of 100 peer events into exactly one update", async () => {
    const { fake, manager, state } = start();
    await settle();
    const updates = countUpdates(manager.store);
    // 25 peers × (connection:open, peer:connect, peer:update, peer:identify) = 100 events.
    for (let i = 0; i < 25; i++) fake.connectPeer(`P${i}`, { protocols: [...FULL] });
    await settle();
    expect(updates.count).toBe(1);
    expect(Object.keys(state().peers)).toHaveLength(25);
    expect(state().status).toBe("connected");
  });

  it("do not happen when an event changes nothing visible", async () => {
    const { fake, manager } = start();
    fake.connectPeer("A", { protocols: [...FULL], tags: ["bootstrap"] });
    await settle();
    const updates = countUpdates(manager.store);
    fake.updatePeer("A", { tags: ["bootstrap"] });
    fake.updatePeer("stranger", { protocols: ["store"] });
    await settle();
    expect(updates.count).toBe(0);
  });

  it("keep the identity of unchanged slices and unchanged peer rows", async () => {
    const { fake, state } = start();
    fake.connectPeer("A", { protocols: [...FULL] });
    fake.connectPeer("B", { protocols: [...FULL] });
    await settle();
    const before = state();
    fake.updatePeer("B", { tags: ["peer-cache"] });
    await settle();
    const after = state();
    expect(after.peers).not.toBe(before.peers);
    expect(after.peers.B?.tags).toEqual(["peer-cache"]);
    expect(after.peers.A).toBe(before.peers.A);
    expect(after.health).toBe(before.health);
    expect(after.recovery).toBe(before.recovery);
    expect(after.events).toBe(before.events);
  });

  it("keep the peers map when only counts-neutral events arrive", async () => {
    const { fake, manager, state } = start();
    fake.connectPeer("A", { protocols: ["filter"] });
    await settle();
    const peers = state().peers;
    manager.reportSuccess("A", "filter"); // already at 100: nothing changes
    await settle();
    expect(state().peers).toBe(peers);
  });

  it("let non-React code watch a slice", async () => {
    const { fake, manager } = start();
    const overall: string[] = [];
    manager.store.subscribe(
      (s) => s.health.overall,
      (value) => overall.push(value),
    );
    fake.connectPeer("A", { protocols: ["store"] });
    await settle();
    expect(overall).toEqual(["degraded"]);
  });
});

describe("scores", () => {
  it("drop on failure, never below 0, and record the last failure", async () => {
    const { fake, manager, state } = start();
    fake.connectPeer("A", { protocols: ["lightPush"] });
    await settle();
    manager.reportFailure("A", "lightPush", "rejected 503");
    await settle();
    expect(state().peers.A?.score).toBe(80);
    expect(state().peers.A?.lastFailure).toMatchObject({ protocol: "lightPush", reason: "rejected 503" });
    for (let i = 0; i < 10; i++) manager.reportFailure("A", "lightPush");
    await settle();
    expect(state().peers.A?.score).toBe(0);
  });

  it("recover on success, never above 100", async () => {
    const { fake, manager, state } = start();
    fake.connectPeer("A", { protocols: ["lightPush"] });
    await settle();
    manager.reportFailure("A", "lightPush");
    manager.reportSuccess("A", "lightPush");
    await settle();
    expect(state().peers.A?.score).toBe(85);
    for (let i = 0; i < 10; i++) manager.reportSuccess("A", "lightPush");
    await settle();
    expect(state().peers.A?.score).toBe(100);
  });

  it("ignore reports about unknown peers", async () => {
    const { manager, state } = start();
    await settle();
    const before = state();
    manager.reportFailure("nobody", "store");
    await settle();
    expect(state()).toBe(before);
  });
});

describe("recent events", () => {
  it("record peer and status events, newest last, bounded by maxEvents", async () => {
    const { fake, state } = start(createFakeNode(), { maxEvents: 5 });
    for (let i = 0; i < 4; i++) fake.connectPeer(`P${i}`, { protocols: [...FULL] });
    fake.disconnectPeer("P0");
    await settle();
    const events = state().events;
    expect(events).toHaveLength(5);
    expect(events.at(-1)).toMatchObject({ type: "status", detail: "connected" });
    expect(events.at(-2)).toMatchObject({ type: "peer:disconnected", peerId: "P0" });
  });
});

describe("the environment's online hint", () => {
  function manualEnvironment(online: boolean) {
    const listeners = new Set<(event: EnvironmentEvent) => void>();
    const environment: Environment = {
      isOnline: () => online,
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    const set = (next: boolean) => {
      online = next;
      for (const listener of listeners) listener({ type: next ? "online" : "offline" });
    };
    return { environment, set, listeners };
  }

  it("makes the status offline when no service peer is left", async () => {
    const env = manualEnvironment(true);
    const { fake, state } = start(createFakeNode(), { environment: env.environment });
    fake.connectPeer("A", { protocols: [...FULL] });
    fake.connectPeer("B", { protocols: [...FULL] });
    env.set(false);
    await settle();
    expect(state().status).toBe("connected");
    expect(state().online).toBe(false);
    fake.disconnectPeer("A");
    fake.disconnectPeer("B");
    await settle();
    expect(state().status).toBe("offline");
    env.set(true);
    await settle();
    expect(state().status).toBe("reconnecting");
    expect(
      state()
        .events.filter((e) => e.type === "hint")
        .map((e) => e.detail),
    ).toEqual(["offline", "online"]);
  });

  it("is unsubscribed on stop", () => {
    const env = manualEnvironment(true);
    const { manager } = start(createFakeNode(), { environment: env.environment });
    expect(env.listeners.size).toBe(1);
    manager.stop();
    expect(env.listeners.size).toBe(0);
  });
});
