import { describe, expect, it } from "vitest";

import { countUpdates, createFakeNode, managerHarness, settle } from "../_harness.js";

const harness = managerHarness({ fakeTimers: false });

describe("large bursts", () => {
  it("turn 10,000 peer events into one store update with the right outcome", async () => {
    const fake = createFakeNode();
    const manager = await harness.start(fake, { maxEvents: 50 });
    const updates = countUpdates(manager.store);
    // 1,250 peers × (open, connect, update, identify) + 1,250 × (close, disconnect) for half of them.
    for (let i = 0; i < 1_250; i++) fake.connectPeer(`P${i}`, { protocols: ["lightPush", "filter"] });
    for (let i = 0; i < 1_250; i += 2) fake.disconnectPeer(`P${i}`);
    await settle();
    const state = manager.store.getState();
    expect(updates.count).toBe(1);
    expect(state.health.filter.connected).toBe(625);
    expect(state.events).toHaveLength(50);
    // Disconnected service peers are remembered only up to a bound.
    expect(Object.values(state.peers).filter((peer) => !peer.connected).length).toBeLessThanOrEqual(32);
  });

  it("ignore peer store writes about peers that are not in the table", async () => {
    const fake = createFakeNode();
    const manager = await harness.start(fake);
    const updates = countUpdates(manager.store);
    for (let i = 0; i < 10_000; i++) fake.updatePeer(`discovered-${i % 100}`, { protocols: ["store"] });
    await settle();
    expect(updates.count).toBe(0);
  });
});
