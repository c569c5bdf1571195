import { afterEach, describe, expect, it, vi } from "vitest";

import { manualEnvironment } from "../../../src/core/index.js";
import { addFakeProtocols, countUpdates, createFakeNode, FULL, managerHarness, manualClock, settle } from "../_harness.js";

const harness = managerHarness({ fakeTimers: false });

afterEach(() => {
  vi.useRealTimers();
});

describe("stop()", () => {
  it("removes every listener it added to the node", async () => {
    const fake = createFakeNode();
    const manager = harness.create(fake);
    expect(fake.listenerCount()).toBeGreaterThan(0);
    manager.stop();
    expect(fake.listenerCount()).toBe(0);
  });

  it("leaves no pending timer behind, with a grace timer and a reconnect running", async () => {
    const time = manualClock();
    const fake = createFakeNode();
    fake.connectPeer("A", { protocols: [...FULL] });
    fake.connectPeer("B", { protocols: [...FULL] });
    fake.knowPeer("C", { protocols: [...FULL] });
    fake.scriptDial("C", "hang");
    const manager = harness.create(fake, { clock: time.clock });
    await settle();
    fake.disconnectPeer("A");
    await settle();
    const reconnecting = manager.reconnect();
    await settle();
    // The lost-connection grace, the reconnect timeout, the recovery loop's first tick, the peer cache save.
    expect(time.pending()).toBeGreaterThanOrEqual(2);

    manager.stop();

    expect(time.pending()).toBe(0);
    await expect(reconnecting).resolves.toMatchObject({ ok: false });
  });

  it("leaves no pending real timer either (fake timers count them)", async () => {
    vi.useFakeTimers();
    const fake = createFakeNode();
    fake.connectPeer("A", { protocols: [...FULL] });
    fake.connectPeer("B", { protocols: [...FULL] });
    const manager = harness.create(fake);
    await settle();
    fake.disconnectPeer("A");
    await settle();
    void manager.reconnect();
    await settle();
    expect(vi.getTimerCount()).toBeGreaterThanOrEqual(2);
    manager.stop();
    await settle();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("makes the status disconnected and claims no peers any more", async () => {
    const fake = createFakeNode();
    fake.connectPeer("A", { protocols: [...FULL] });
    const manager = harness.create(fake);
    await settle();
    manager.stop();
    const state = manager.store.getState();
    expect(state.status).toBe("disconnected");
    expect(state.peers).toEqual({});
    expect(state.health.overall).toBe("unhealthy");
    expect(state.events.at(-1)).toMatchObject({ type: "status", detail: "disconnected" });
  });

  it("ignores the node afterwards and does not disconnect it", async () => {
    const fake = createFakeNode();
    fake.connectPeer("A", { protocols: [...FULL] });
    const manager = harness.create(fake);
    await settle();
    manager.stop();
    const updates = countUpdates(manager.store);
    fake.connectPeer("B", { protocols: [...FULL] });
    manager.reportFailure("A", "store");
    await settle();
    expect(updates.count).toBe(0);
    expect(fake.libp2p.getConnections()).toHaveLength(2);
  });

  it("is idempotent", async () => {
    const fake = createFakeNode();
    const manager = harness.create(fake);
    manager.stop();
    const updates = countUpdates(manager.store);
    manager.stop();
    expect(updates.count).toBe(0);
    expect(manager.store.getState().status).toBe("disconnected");
  });

  it("drops peer store reads that finish after it", async () => {
    const fake = createFakeNode();
    fake.connectPeer("A", { protocols: [...FULL] });
    const manager = harness.create(fake); // starts an async peer store read for A
    manager.stop();
    await settle();
    expect(manager.store.getState().peers).toEqual({});
  });
});

describe("stop() with every feature running", () => {
  it("leaves no timer, no listener, no wrapper and no gate behind", async () => {
    vi.useFakeTimers();
    const environment = manualEnvironment();
    const fake = createFakeNode();
    for (const id of ["A", "B", "C"])
      fake.connectPeer(id, { protocols: [...FULL], address: `/ip4/127.0.0.1/tcp/1/ws/p2p/${id}` });
    fake.knowPeer("D", { protocols: [...FULL] });
    fake.scriptDial("D", "hang");
    const sdk = addFakeProtocols(fake);
    sdk.state.lightPushPeers = ["A"];
    sdk.subscribe("/app/1/chat/proto", ["A", "B"]);
    fake.libp2p.services.ping = { ping: () => new Promise<number>(() => {}) }; // nobody answers
    const listenersBefore = fake.listenerCount();
    const gater = fake.libp2p.components.connectionGater;
    const denyBefore = gater.denyDialPeer;
    const sendBefore = sdk.node.lightPush.send;
    const items = new Map<string, string>();

    const manager = harness.create(fake, {
      environment,
      peerCache: { storage: { getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value) } },
    });
    await vi.advanceTimersByTimeAsync(11_000); // pings missed, recovery dialing, a canary probe waiting
    manager.reportFailure("C", "store");
    manager.reportFailure("C", "store");
    manager.reportFailure("C", "store"); // replaced: a quarantine timer
    void manager.reconnect();
    await settle();
    expect(vi.getTimerCount()).toBeGreaterThan(0);

    manager.stop();
    await settle();
    expect(vi.getTimerCount()).toBe(0);
    expect(fake.listenerCount()).toBe(listenersBefore);
    expect(environment.listenerCount()).toBe(0);
    expect(gater.denyDialPeer).toBe(denyBefore);
    expect(sdk.node.lightPush.send).toBe(sendBefore);
    vi.useRealTimers();
  });
});
