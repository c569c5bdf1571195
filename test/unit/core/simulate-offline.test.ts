import { describe, expect, it, vi } from "vitest";

import { manualEnvironment } from "../../../src/core/index.js";
import { createFakeNode, FULL, managerHarness, settle, QUIET_PARTS } from "../_harness.js";

const harness = managerHarness({
  prepare: (options) => ({ ...QUIET_PARTS, ...options }),
});

function twoServicePeersAndASpare() {
  const fake = createFakeNode();
  fake.connectPeer("A", { protocols: [...FULL] });
  fake.connectPeer("B", { protocols: [...FULL] });
  fake.knowPeer("C", { protocols: [...FULL] });
  return fake;
}

const hints = (manager: { store: { getState(): { events: readonly { type: string; detail?: string }[] } } }) =>
  manager.store
    .getState()
    .events.filter((event) => event.type === "hint")
    .map((event) => event.detail);

/** A connected manager on a manual environment, with the simulation just switched on. */
async function startedSimulatingOffline() {
  const environment = manualEnvironment();
  const manager = await harness.start(twoServicePeersAndASpare(), { environment });
  manager.simulateOffline(true);
  return { environment, manager };
}

describe("manager.simulateOffline", () => {
  it("makes the manager act as on a real device outage: offline, no dialing, then a check the moment it ends", async () => {
    const environment = manualEnvironment();
    const fake = twoServicePeersAndASpare();
    const manager = await harness.start(fake, { environment });

    manager.simulateOffline(true);
    await settle();
    expect(manager.store.getState()).toMatchObject({ online: false, status: "connected" });
    fake.disconnectPeer("A");
    fake.disconnectPeer("B");
    await settle();
    expect(manager.store.getState().status).toBe("offline");
    await vi.advanceTimersByTimeAsync(30_000);
    expect(fake.dials).toEqual([]);

    fake.scriptDial("A", "ok");
    fake.scriptDial("B", "ok");
    manager.simulateOffline(false);
    await vi.advanceTimersByTimeAsync(50);
    expect(fake.dials.length).toBeGreaterThan(0);
    expect(manager.store.getState()).toMatchObject({ online: true, status: "connected" });
    expect(hints(manager)).toEqual(["offline", "online"]);
  });

  it("holds against the environment's own online/offline hints; other hints still come through", async () => {
    const { environment, manager } = await startedSimulatingOffline();
    environment.setOnline(false);
    environment.setOnline(true);
    environment.emit("visible");
    await settle();
    expect(manager.store.getState().online).toBe(false);
    expect(hints(manager)).toEqual(["offline", "visible"]);
  });

  it("when it ends, the manager hears what the environment says now (still offline: nothing changes)", async () => {
    const { environment, manager } = await startedSimulatingOffline();
    environment.setOnline(false);
    manager.simulateOffline(false);
    await settle();
    expect(manager.store.getState().online).toBe(false);
    expect(hints(manager)).toEqual(["offline"]);
    environment.setOnline(true);
    await settle();
    expect(manager.store.getState().online).toBe(true);
  });

  it("repeating a value changes nothing; after stop() it is a no-op", async () => {
    const manager = await harness.start(twoServicePeersAndASpare(), { environment: manualEnvironment() });
    manager.simulateOffline(false);
    manager.simulateOffline(true);
    manager.simulateOffline(true);
    await settle();
    expect(hints(manager)).toEqual(["offline"]);
    manager.stop();
    const final = manager.store.getState();
    manager.simulateOffline(false);
    await settle();
    expect(manager.store.getState()).toBe(final);
  });
});
