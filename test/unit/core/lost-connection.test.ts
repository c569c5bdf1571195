import { describe, expect, it, vi } from "vitest";

import type { LostConnectionState } from "../../../src/core/index.js";
import type { FakeNode } from "../_harness.js";
import { createFakeNode, FULL, managerHarness, settle } from "../_harness.js";

const harness = managerHarness();

/** A connected manager (two full peers) whose lost-connection signals are recorded. */
async function connected(graceMs?: number) {
  const fake = createFakeNode();
  fake.connectPeer("A", { protocols: [...FULL] });
  fake.connectPeer("B", { protocols: [...FULL] });
  const manager = harness.create(fake, graceMs === undefined ? {} : { lostConnectionGraceMs: graceMs });
  const signals: string[] = [];
  manager.onLostConnection((signal) => signals.push(signal));
  await settle();
  expect(manager.store.getState().status).toBe("connected");
  return { fake, manager, signals, lost: (): LostConnectionState => manager.store.getState().lost };
}

function dropAll(fake: FakeNode) {
  fake.disconnectPeer("A");
  fake.disconnectPeer("B");
}

describe("the lost-connection signal", () => {
  it("stays silent for a blip shorter than the grace period", async () => {
    const { fake, signals, lost } = await connected();
    dropAll(fake);
    await vi.advanceTimersByTimeAsync(4_000);
    fake.connectPeer("A");
    fake.connectPeer("B");
    await vi.advanceTimersByTimeAsync(10_000);
    expect(signals).toEqual([]);
    expect(lost()).toBe("ok");
  });

  it("signals lost after the grace period, then restored when the requirements are met again", async () => {
    const { fake, manager, signals, lost } = await connected();
    dropAll(fake);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(signals).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(signals).toEqual(["lost"]);
    expect(lost()).toBe("lost");

    fake.connectPeer("A");
    fake.connectPeer("B");
    await settle();
    expect(signals).toEqual(["lost", "restored"]);
    expect(lost()).toBe("restored");
    expect(manager.store.getState().recovery.lastRecoveredAt).toBe(Date.now());
  });

  it("counts degraded as away from connected", async () => {
    const { fake, manager, signals } = await connected(1_000);
    fake.disconnectPeer("A");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(manager.store.getState().status).toBe("degraded");
    expect(signals).toEqual(["lost"]);
  });

  it("does not restart the grace period while the status moves between degraded and reconnecting", async () => {
    const { fake, signals } = await connected(1_000);
    fake.disconnectPeer("A");
    await vi.advanceTimersByTimeAsync(600);
    fake.disconnectPeer("B");
    await vi.advanceTimersByTimeAsync(400);
    expect(signals).toEqual(["lost"]);
  });

  it("never signals before the first connection: that is still connecting", async () => {
    const fake = createFakeNode();
    const manager = harness.create(fake);
    const signals: string[] = [];
    manager.onLostConnection((signal) => signals.push(signal));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(signals).toEqual([]);
  });

  it("signals failed when the manager stops while the connection is lost", async () => {
    const { fake, manager, signals, lost } = await connected();
    dropAll(fake);
    await vi.advanceTimersByTimeAsync(5_000);
    manager.stop();
    expect(signals).toEqual(["lost", "failed"]);
    expect(lost()).toBe("failed");
  });

  it("says nothing on stop within the grace period", async () => {
    const { fake, manager, signals } = await connected();
    dropAll(fake);
    await vi.advanceTimersByTimeAsync(1_000);
    manager.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(signals).toEqual([]);
  });

  it("lets a listener unsubscribe, and survives a listener that throws", async () => {
    const { fake, manager } = await connected(100);
    const kept: string[] = [];
    const unsubscribe = manager.onLostConnection(() => kept.push("removed"));
    manager.onLostConnection(() => {
      throw new Error("boom");
    });
    manager.onLostConnection((signal) => kept.push(signal));
    unsubscribe();
    dropAll(fake);
    await vi.advanceTimersByTimeAsync(100);
    expect(kept).toEqual(["lost"]);
    await settle();
    expect(manager.store.getState().lastError).toEqual({
      code: "LISTENER_FAILED",
      message: "lost-connection listener failed: boom",
    });
  });
});
