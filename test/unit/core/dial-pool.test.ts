import { describe, expect, it, vi } from "vitest";

import { manualEnvironment } from "../../../src/core/index.js";
import { SLOW_DIAL_MS } from "../../../src/core/recovery/dial-pool.js";
import { createFakeNode, FULL, managerHarness, QUIET_PARTS } from "../_harness.js";

const harness = managerHarness({
  prepare: (options) => ({
    environment: manualEnvironment(),
    ...QUIET_PARTS,
    ...options,
  }),
});

describe("the dial pool", () => {
  it("does not let a hanging dial (a tarpit) hold up later candidates: past SLOW_DIAL_MS they are dialed meanwhile", async () => {
    const fake = createFakeNode();
    fake.knowPeer("TARPIT", { protocols: [...FULL] });
    fake.knowPeer("GOOD", { protocols: [...FULL] });
    fake.scriptDial("TARPIT", "hang");
    fake.scriptDial("GOOD", "ok");
    const manager = await harness.start(fake, {
      dialConcurrency: 1,
      recovery: { maxDialsPerTick: 1, startupDelayMs: 0, dialTimeoutMs: 5_000, backoff: { jitter: 0 } },
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.dials).toEqual(["TARPIT"]);
    await vi.advanceTimersByTimeAsync(SLOW_DIAL_MS + 1_000);
    // Dialed long before the hanging dial's 5 s timeout, and the hanging one not dialed twice.
    expect(fake.dials).toEqual(["TARPIT", "GOOD"]);
    expect(manager.store.getState().peers.GOOD?.connected).toBe(true);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(
      manager.store.getState().events.find((event) => event.type === "peer:dial-failed" && event.peerId === "TARPIT")?.detail,
    ).toBe("dial timed out after 5000 ms");
  });

  it("counts a dial that reaches another peer than the one dialed as a failure, and says so", async () => {
    const fake = createFakeNode();
    fake.knowPeer("CACHED", { protocols: [...FULL] });
    fake.knowPeer("OTHER", { protocols: [...FULL] });
    fake.scriptDial("CACHED", "ok");
    fake.libp2p.answerAs("CACHED", "OTHER");
    const manager = await harness.start(fake, { recovery: false });
    const running = manager.reconnect({ timeoutMs: 100 });
    await vi.advanceTimersByTimeAsync(100);
    const result = await running;
    const state = manager.store.getState();
    expect(state.events.find((event) => event.type === "peer:dial-failed" && event.peerId === "CACHED")?.detail).toBe(
      "the address answered as OTHER, not as CACHED",
    );
    expect(state.peers.CACHED?.connected ?? false).toBe(false);
    expect(result.dialed).toBeGreaterThan(0);
  });
});
