import { beforeEach, describe, expect, it, vi } from "vitest";

import type { ManualEnvironment } from "../../../src/core/index.js";
import { DEFAULT_OPTIONS, DEFAULT_REQUIREMENTS, manualEnvironment } from "../../../src/core/index.js";
import { afterRedial, missingProtocols, peersShort, redundancyTarget } from "../../../src/core/internal.js";
import { computeHealth, NO_PEERS } from "../../../src/core/internal.js";
import type { FakeNode } from "../_harness.js";
import { createFakeNode, FULL, managerHarness, settle, QUIET_PARTS } from "../_harness.js";

const POLICY = { ...DEFAULT_OPTIONS.recovery!.redundancy!.backoff, jitter: 0 };

describe("the redundancy target (pure)", () => {
  it("is each non-zero requirement plus the extra peers", () => {
    expect(redundancyTarget(DEFAULT_REQUIREMENTS, 1)).toEqual({ lightPush: 3, filter: 3, store: 2, peerExchange: 0 });
    expect(redundancyTarget({ ...DEFAULT_REQUIREMENTS, store: 0 }, 2)).toEqual({
      lightPush: 4,
      filter: 4,
      store: 0,
      peerExchange: 0,
    });
  });

  it("names the protocols still short and by how many peers", () => {
    const target = redundancyTarget(DEFAULT_REQUIREMENTS, 1);
    const health = computeHealth({ ...NO_PEERS, lightPush: 3, filter: 2, store: 2, servicePeers: 3 }, DEFAULT_REQUIREMENTS);
    expect(missingProtocols(health, target)).not.toBe(0);
    expect(peersShort(health, target)).toBe(1);
    const full = computeHealth({ ...NO_PEERS, lightPush: 3, filter: 3, store: 3, servicePeers: 3 }, DEFAULT_REQUIREMENTS);
    expect(missingProtocols(full, target)).toBe(0);
    expect(peersShort(full, target)).toBeLessThanOrEqual(0);
  });

  it("re-dials a missing peer every second for its first minute gone, then slower and slower", () => {
    let schedule = afterRedial(undefined, 0, POLICY, () => 0);
    expect(schedule).toEqual({ missingSince: 0, attempts: 1, slowAttempts: 0, dueAt: 1_000 });
    for (let at = 1_000; at < 60_000; at += 1_000) schedule = afterRedial(schedule, at, POLICY, () => 0);
    expect(schedule.dueAt).toBe(60_000);
    const gaps: number[] = [];
    let at = schedule.dueAt;
    for (let i = 0; i < 6; i++) {
      schedule = afterRedial(schedule, at, POLICY, () => 0);
      gaps.push(schedule.dueAt - at);
      at = schedule.dueAt;
    }
    expect(gaps).toEqual([5_000, 15_000, 30_000, 60_000, 60_000, 60_000]);
  });
});

let environment: ManualEnvironment;
beforeEach(() => {
  environment = manualEnvironment();
});

const harness = managerHarness({
  prepare: (options) => ({
    environment,
    ...QUIET_PARTS,
    ...options,
    recovery: {
      backoff: { jitter: 0 },
      redundancy: { backoff: { ...POLICY } },
      ...(options.recovery === false ? {} : options.recovery),
    },
  }),
});

/** The recovery's startup delay: the SDK's own first dials go first. */
const STARTUP_MS = DEFAULT_OPTIONS.recovery!.startupDelayMs;

/** A, B connected and serving everything (the 2/2/1 requirements met), `spares` known. */
function connectedWithSpares(spares: string[]): FakeNode {
  const fake = createFakeNode();
  fake.connectPeer("A", { protocols: [...FULL] });
  fake.connectPeer("B", { protocols: [...FULL] });
  for (const id of spares) fake.knowPeer(id, { protocols: [...FULL] });
  return fake;
}

const dialsTo = (fake: FakeNode, id: string): number => fake.dials.filter((dialed) => dialed === id).length;

describe("redundancy above the requirements", () => {
  it("dials spares up to the target (3/3/2 for 2/2/1) while connected, and no further", async () => {
    const fake = connectedWithSpares(["C", "D", "E"]);
    for (const id of ["C", "D", "E"]) fake.scriptDial(id, "ok");
    const manager = await harness.start(fake);
    await vi.advanceTimersByTimeAsync(STARTUP_MS);
    const state = manager.store.getState();
    expect(state.status).toBe("connected");
    expect(state.health.lightPush.connected).toBe(3);
    expect(fake.dials).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(fake.dials).toHaveLength(1);
  });

  it("a spare that restarts is re-dialed within about a second of being back, without a reconnect()", async () => {
    const fake = connectedWithSpares(["C"]);
    fake.scriptDial("C", "ok");
    const manager = await harness.start(fake);
    await vi.advanceTimersByTimeAsync(STARTUP_MS);
    expect(manager.store.getState().peers.C?.connected).toBe(true);

    fake.scriptDial("C", "fail");
    fake.disconnectPeer("C");
    await vi.advanceTimersByTimeAsync(4_500); // down for a while: dialed and refused about once a second
    expect(dialsTo(fake, "C")).toBeGreaterThanOrEqual(5);
    expect(dialsTo(fake, "C")).toBeLessThanOrEqual(7);
    expect(manager.store.getState().status).toBe("connected");

    fake.scriptDial("C", "ok");
    const backAt = Date.now();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(manager.store.getState().peers.C?.connected).toBe(true);
    expect(Date.now() - backAt).toBeLessThanOrEqual(1_000);
  });

  it("a peer gone for good costs little: about once a second for a minute, then 5, 15, 30, 60 s apart", async () => {
    const fake = connectedWithSpares(["C"]);
    await harness.start(fake);
    await vi.advanceTimersByTimeAsync(STARTUP_MS + 60_000);
    const firstMinute = dialsTo(fake, "C");
    expect(firstMinute).toBeGreaterThanOrEqual(59);
    expect(firstMinute).toBeLessThanOrEqual(62);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    // 5 + 15 + 30 s, then one a minute: a dozen or so more in ten minutes (a minute would be 600 at the fast cadence).
    expect(dialsTo(fake, "C") - firstMinute).toBeLessThanOrEqual(14);
  });

  it("a peer that drops every connection at once keeps its slowing cadence (no redial storm)", async () => {
    const fake = connectedWithSpares(["C"]);
    fake.scriptDial("C", "ok");
    fake.libp2p.addEventListener("peer:identify", (event) => {
      if (event.detail.peerId.toString() === "C") queueMicrotask(() => fake.disconnectPeer("C"));
    });
    await harness.start(fake);
    await vi.advanceTimersByTimeAsync(3 * 60_000);
    // As many as a peer that refuses every dial: its schedule is kept until a connection lasts 10 s.
    expect(dialsTo(fake, "C")).toBeLessThanOrEqual(62 + 12);
    expect(dialsTo(fake, "C")).toBeGreaterThan(1);
  });

  it("stands aside while offline, and `redundancy: false` turns it off", async () => {
    const offline = connectedWithSpares(["C"]);
    environment.setOnline(false);
    await harness.start(offline);
    await vi.advanceTimersByTimeAsync(STARTUP_MS + 10_000);
    expect(offline.dials).toEqual([]);
    environment.setOnline(true);
    await settle();
    expect(dialsTo(offline, "C")).toBe(1);

    const off = connectedWithSpares(["C"]);
    await harness.start(off, { environment: manualEnvironment(), recovery: { redundancy: false } });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(off.dials).toEqual([]);
  });

  it("dials a bootstrap peer only while the bootstrap quota (1 serving) has room", async () => {
    const fake = createFakeNode();
    fake.connectPeer("A", { protocols: [...FULL] });
    fake.connectPeer("boot1", { protocols: [...FULL], tags: ["bootstrap"] });
    fake.knowPeer("boot2", { protocols: [...FULL], tags: ["bootstrap"] });
    await harness.start(fake);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(dialsTo(fake, "boot2")).toBe(0);
  });
});
