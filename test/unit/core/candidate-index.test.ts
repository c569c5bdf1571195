import { describe, expect, it, vi } from "vitest";

import { manualEnvironment } from "../../../src/core/index.js";
import { createFakeNode, FULL, managerHarness, settle, QUIET_PARTS } from "../_harness.js";

const harness = managerHarness({
  prepare: (options) => ({
    environment: manualEnvironment(),
    ...QUIET_PARTS,
    ...options,
  }),
});

describe("dial candidates", () => {
  it("come from the manager's own index: the peer store is read once at attach, never per recovery tick", async () => {
    const fake = createFakeNode();
    fake.connectPeer("A", { protocols: [...FULL] });
    fake.connectPeer("B", { protocols: [...FULL] });
    fake.knowPeer("C", { protocols: [...FULL] });
    const all = vi.spyOn(fake.libp2p.peerStore, "all");
    await harness.start(fake, { recovery: { backoff: { jitter: 0 } } });
    expect(all).toHaveBeenCalledTimes(1);
    fake.disconnectPeer("A");
    await vi.advanceTimersByTimeAsync(10_000); // about a dozen ticks
    expect(fake.dials.filter((id) => id === "C").length).toBeGreaterThan(5);
    expect(all).toHaveBeenCalledTimes(1);
  });

  it("include a service peer discovered after attach, from its peer:update alone", async () => {
    const fake = createFakeNode();
    fake.connectPeer("A", { protocols: [...FULL] });
    const manager = await harness.start(fake);
    fake.knowPeer("D", { protocols: [...FULL] }); // discovery writes the peer store: peer:update
    fake.scriptDial("D", "ok");
    await expect(manager.reconnect({ timeoutMs: 100 })).resolves.toMatchObject({ ok: true });
    expect(fake.dials[0]).toBe("D"); // the new peer first; the connected one is re-dialed after it
  });

  it("leave out peers that serve nothing, and forget a peer once the store says it serves nothing", async () => {
    const fake = createFakeNode();
    fake.knowPeer("plain");
    fake.knowPeer("E", { protocols: ["store"] });
    const manager = await harness.start(fake);
    fake.updatePeer("E", { protocols: [] });
    const result = manager.reconnect({ timeoutMs: 50 });
    await vi.advanceTimersByTimeAsync(50);
    await expect(result).resolves.toMatchObject({ ok: false, error: { code: "NO_PEERS" } });
    await settle();
    expect(fake.dials).toEqual([]);
  });
});
