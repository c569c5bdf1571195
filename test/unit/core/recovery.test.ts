import { beforeEach, describe, expect, it, vi } from "vitest";

import type { ManualEnvironment } from "../../../src/core/index.js";
import { manualEnvironment } from "../../../src/core/index.js";
import type { FakeNode } from "../_harness.js";
import { createFakeNode, FULL, managerHarness, settle, QUIET_PARTS } from "../_harness.js";

let environment: ManualEnvironment;
beforeEach(() => {
  environment = manualEnvironment();
});

const harness = managerHarness({
  prepare: (options) => ({
    environment,
    ...QUIET_PARTS,
    ...options,
    recovery: { backoff: { jitter: 0 }, ...(options.recovery === false ? {} : options.recovery) },
  }),
});
const start = harness.start;

/** A, B connected and serving everything; `spares` known, every dial to them failing unless scripted. */
function connectedWithSpares(spares: string[]): FakeNode {
  const fake = createFakeNode();
  fake.connectPeer("A", { protocols: [...FULL] });
  fake.connectPeer("B", { protocols: [...FULL] });
  for (const id of spares) fake.knowPeer(id, { protocols: [...FULL] });
  return fake;
}

const dialsSince = (fake: FakeNode, mark: number): string[] => fake.dials.slice(mark);

describe("automatic recovery", () => {
  it("answers a loss at once, then backs off 250 ms, 500 ms, then every second, with at most 4 dials per tick", async () => {
    const fake = connectedWithSpares(["C", "D", "E", "F", "G", "H"]);
    const manager = await start(fake);
    expect(fake.dials).toEqual([]);

    fake.disconnectPeer("A");
    await settle();
    expect(manager.store.getState().status).toBe("degraded");
    expect(fake.dials).toHaveLength(4);
    expect(manager.store.getState().recovery).toMatchObject({ inProgress: true, attempt: 1 });
    expect(manager.store.getState().recovery.nextRetryAt).toBe(Date.now() + 250);

    let mark = fake.dials.length;
    await vi.advanceTimersByTimeAsync(249);
    expect(dialsSince(fake, mark)).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(dialsSince(fake, mark)).toHaveLength(4);
    mark = fake.dials.length;
    await vi.advanceTimersByTimeAsync(499);
    expect(dialsSince(fake, mark)).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(dialsSince(fake, mark)).toHaveLength(4);
    for (let i = 0; i < 3; i++) {
      mark = fake.dials.length;
      await vi.advanceTimersByTimeAsync(999);
      expect(dialsSince(fake, mark)).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(dialsSince(fake, mark)).toHaveLength(4);
    }
    expect(manager.store.getState().recovery.attempt).toBe(6);
  });

  it("slows down after the fast phase and resets the backoff once the requirements are met again", async () => {
    const fake = connectedWithSpares(["C"]);
    const manager = await start(fake, { recovery: { backoff: { jitter: 0, fastPhaseMs: 3_000 } } });
    fake.disconnectPeer("A");
    await settle();
    // 0, 250, 500, 1000, 1000 → past 3 s: 2 s, 5 s.
    await vi.advanceTimersByTimeAsync(2_750);
    const mark = fake.dials.length;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(dialsSince(fake, mark).length).toBeGreaterThan(0);
    const slowMark = fake.dials.length;
    await vi.advanceTimersByTimeAsync(1_999);
    expect(dialsSince(fake, slowMark)).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(dialsSince(fake, slowMark).length).toBeGreaterThan(0);

    fake.scriptDial("C", "ok");
    await vi.advanceTimersByTimeAsync(5_000);
    expect(manager.store.getState().status).toBe("connected");
    expect(manager.store.getState().recovery).toMatchObject({ inProgress: false, attempt: 0, nextRetryAt: undefined });

    // A new loss is a new outage: immediate again.
    fake.scriptDial("C", "fail");
    const again = fake.dials.length;
    fake.disconnectPeer("B");
    await settle();
    expect(dialsSince(fake, again).length).toBeGreaterThan(0);
  });

  it("a failed dial moves on to the next candidate, and the tick stops once the redundancy target is met", async () => {
    const fake = connectedWithSpares(["C", "D", "E", "F"]);
    fake.scriptDial("C", "fail", { delayMs: 10 });
    for (const id of ["D", "E", "F"]) fake.scriptDial(id, "ok", { delayMs: 10 });
    const manager = await start(fake, { dialConcurrency: 1 });
    fake.disconnectPeer("A");
    await vi.advanceTimersByTimeAsync(50);
    // Non-bootstrap peers in (injected) order; D met the 2/2/1 requirements, E the 3/3/2 target.
    expect(fake.dials).toEqual(["A", "C", "D", "E"]);
    expect(manager.store.getState().status).toBe("connected");
    expect(
      manager.store
        .getState()
        .events.filter((event) => event.type === "peer:dial-failed")
        .map((event) => event.peerId),
    ).toEqual(["A", "C"]);
  });

  it("without redundancy, the tick stops once the requirements are met", async () => {
    const fake = connectedWithSpares(["C", "D", "E"]);
    fake.scriptDial("C", "fail", { delayMs: 10 });
    fake.scriptDial("D", "ok", { delayMs: 10 });
    fake.scriptDial("E", "ok", { delayMs: 10 });
    const manager = await start(fake, { dialConcurrency: 1, recovery: { redundancy: false } });
    fake.disconnectPeer("A");
    await vi.advanceTimersByTimeAsync(50);
    expect(fake.dials).toEqual(["A", "C", "D"]);
    expect(manager.store.getState().status).toBe("connected");
  });

  it("never dials while the device says offline, and checks the moment it says online", async () => {
    const fake = connectedWithSpares(["C"]);
    const manager = await start(fake);
    environment.setOnline(false);
    fake.disconnectPeer("A");
    fake.disconnectPeer("B");
    await settle();
    expect(manager.store.getState().status).toBe("offline");
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fake.dials).toEqual([]);

    fake.scriptDial("A", "ok");
    fake.scriptDial("B", "ok");
    environment.setOnline(true);
    await settle();
    expect([...fake.dials].sort()).toEqual(["A", "B", "C"]);
    expect(manager.store.getState().status).toBe("connected");
  });

  it("going offline mid-outage cancels the scheduled retry; online restarts the fast tiers at once", async () => {
    const fake = connectedWithSpares(["C"]);
    const manager = await start(fake, { recovery: { backoff: { jitter: 0, fastPhaseMs: 1_000 } } });
    fake.disconnectPeer("A");
    await vi.advanceTimersByTimeAsync(20_000); // deep in the slow tiers
    environment.setOnline(false);
    await settle();
    expect(manager.store.getState().recovery.nextRetryAt).toBeUndefined();
    const mark = fake.dials.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(dialsSince(fake, mark)).toEqual([]);
    environment.setOnline(true);
    await settle();
    expect(dialsSince(fake, mark).length).toBeGreaterThan(0);
    expect(manager.store.getState().recovery.nextRetryAt).toBe(Date.now() + 250);
  });

  it("a page hint (visible, pageshow, resume) dials at once instead of waiting for the retry", async () => {
    const fake = connectedWithSpares(["C"]);
    await start(fake, { recovery: { backoff: { jitter: 0, fastTiersMs: [0, 10_000] } } });
    fake.disconnectPeer("A");
    await settle();
    for (const hint of ["visible", "pageshow", "resume"] as const) {
      const mark = fake.dials.length;
      environment.emit(hint);
      await settle();
      expect(dialsSince(fake, mark).length, hint).toBeGreaterThan(0);
    }
    const mark = fake.dials.length;
    environment.emit("hidden");
    environment.emit("freeze");
    await settle();
    expect(dialsSince(fake, mark)).toEqual([]);
  });

  it("dial failures never cost a peer its score", async () => {
    const fake = connectedWithSpares([]);
    const manager = await start(fake);
    fake.disconnectPeer("A");
    await vi.advanceTimersByTimeAsync(10_000);
    const row = manager.store.getState().peers.A!;
    expect(row.score).toBe(100);
    expect(row.lastFailure).toMatchObject({ protocol: "dial" });
  });

  it("waits the startup delay before joining the SDK's own first dials", async () => {
    const fake = createFakeNode();
    fake.knowPeer("A", { protocols: [...FULL] });
    await start(fake);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(fake.dials).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.dials).toEqual(["A"]);
  });

  it("gives up after the configured time: disconnected, lost then failed; reconnect() starts over", async () => {
    const fake = connectedWithSpares([]);
    const manager = await start(fake, { recovery: { giveUpAfterMs: 10_000, backoff: { jitter: 0 } } });
    const signals: string[] = [];
    manager.onLostConnection((signal) => signals.push(signal));
    fake.disconnectPeer("A");
    fake.disconnectPeer("B");
    await vi.advanceTimersByTimeAsync(9_999);
    expect(manager.store.getState().status).toBe("reconnecting");
    expect(signals).toEqual(["lost"]);
    await vi.advanceTimersByTimeAsync(1);
    let state = manager.store.getState();
    expect(state.status).toBe("disconnected");
    expect(state.lost).toBe("failed");
    expect(state.recovery.inProgress).toBe(false);
    expect(signals).toEqual(["lost", "failed"]);
    const mark = fake.dials.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(dialsSince(fake, mark)).toEqual([]);

    fake.scriptDial("A", "ok");
    fake.scriptDial("B", "ok");
    await expect(manager.reconnect()).resolves.toMatchObject({ ok: true, status: "connected" });
    state = manager.store.getState();
    expect(state.status).toBe("connected");
    expect(signals).toEqual(["lost", "failed", "restored"]);
  });

  it("signals lost before failed when it gives up within the grace", async () => {
    const fake = connectedWithSpares([]);
    const manager = await start(fake, { recovery: { giveUpAfterMs: 1_000, backoff: { jitter: 0 } } });
    const signals: string[] = [];
    manager.onLostConnection((signal) => signals.push(signal));
    fake.disconnectPeer("A");
    fake.disconnectPeer("B");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(signals).toEqual(["lost", "failed"]);
    expect(manager.store.getState().status).toBe("disconnected");
  });

  it("stands aside while a manual reconnect runs", async () => {
    const fake = connectedWithSpares(["C"]);
    fake.scriptDial("C", "hang");
    const manager = await start(fake, { recovery: { backoff: { jitter: 0, fastTiersMs: [0, 100] } } });
    fake.disconnectPeer("A");
    await settle();
    const running = manager.reconnect({ timeoutMs: 5_000 });
    await settle();
    const mark = fake.dials.length;
    await vi.advanceTimersByTimeAsync(4_000);
    expect(dialsSince(fake, mark)).toEqual([]);
    expect(manager.store.getState().recovery).toMatchObject({ inProgress: true, manual: true });
    await vi.advanceTimersByTimeAsync(1_000);
    await running;
    await vi.advanceTimersByTimeAsync(200);
    expect(dialsSince(fake, mark).length).toBeGreaterThan(0);
  });

  it("can be turned off: `recovery: false` dials nothing on its own", async () => {
    const fake = connectedWithSpares(["C"]);
    await harness.start(fake, { environment, recovery: false, liveness: false, peerCache: false }, "exactly");
    fake.disconnectPeer("A");
    await vi.advanceTimersByTimeAsync(30_000);
    expect(fake.dials).toEqual([]);
  });
});
