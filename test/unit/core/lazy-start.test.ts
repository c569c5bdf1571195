import { describe, expect, it, vi } from "vitest";

import { createFakeNode, FULL } from "../_harness.js";

/** The core as a fresh module graph: its acting parts not loaded yet, as in an app's first manager. */
async function freshCore() {
  vi.resetModules();
  return import("../../../src/core/index.js");
}

describe("a manager created before its acting parts have loaded", () => {
  it("tells the truth at once, starts the parts when they arrive, and runs a reconnect or report made meanwhile", async () => {
    const core = await freshCore();
    const fake = createFakeNode();
    fake.connectPeer("A", { protocols: [...FULL] });
    fake.knowPeer("B", { protocols: [...FULL] });
    fake.scriptDial("B", "ok");
    const gater = fake.libp2p.components.connectionGater;
    const denyBefore = gater.denyDialPeer;
    const manager = core.createPeerManager(fake.node, {
      environment: core.manualEnvironment(),
      recovery: false,
      liveness: false,
      peerCache: false,
    });
    expect(manager.store.getState().status).toBe("connecting"); // committed at once: the state needs no lazy part
    expect(gater.denyDialPeer).toBe(denyBefore); // the dial gate comes with the acting parts
    manager.reportFailure("A", "store", "slow");
    const result = manager.reconnect({ timeoutMs: 5_000 });
    await expect(result).resolves.toMatchObject({ ok: true, status: "connected" });
    expect(gater.denyDialPeer).not.toBe(denyBefore);
    expect(manager.store.getState().peers.A?.score).toBe(80);
    manager.stop();
    expect(gater.denyDialPeer).toBe(denyBefore);
    expect(fake.listenerCount()).toBe(0);
  });

  it("starts nothing once stopped, even when the parts arrive later", async () => {
    const core = await freshCore();
    const fake = createFakeNode();
    const denyBefore = fake.libp2p.components.connectionGater.denyDialPeer;
    const manager = core.createPeerManager(fake.node, { environment: core.manualEnvironment() });
    manager.stop();
    await core.preloadPeerManager();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(fake.libp2p.components.connectionGater.denyDialPeer).toBe(denyBefore);
    expect(fake.listenerCount()).toBe(0);
    await expect(manager.reconnect()).resolves.toMatchObject({ ok: false, error: { code: "STOPPED" } });
  });
});
