import { describe, expect, it, vi } from "vitest";

import {
  getConnectionStatus,
  getPeerHealth,
  getPeers,
  manualEnvironment,
  watchConnectionStatus,
  watchLostConnection,
  watchPeerHealth,
  watchPeers,
} from "../../../src/core/index.js";
import type { PeerIdLike } from "../../../src/core/index.js";
import { createFakeNode, FULL, managerHarness, settle } from "../_harness.js";

const harness = managerHarness({
  prepare: (options) => ({
    environment: manualEnvironment(),
    recovery: false,
    peerCache: false,
    filterCanary: false,
    ...options,
  }),
});

describe("framework-agnostic actions", () => {
  it("getConnectionStatus / watchConnectionStatus: one frozen result per status, a call per change only", async () => {
    const fake = createFakeNode();
    const manager = await harness.start(fake, { liveness: false });
    const seen: string[] = [];
    const unwatch = watchConnectionStatus(manager, {
      onChange: (result, previous) => seen.push(`${previous.status}→${result.status}`),
    });
    expect(getConnectionStatus(manager)).toMatchObject({ status: "connecting", isConnecting: true, isConnected: false });
    fake.connectPeer("A", { protocols: [...FULL] });
    fake.connectPeer("B", { protocols: [...FULL] });
    await settle();
    fake.updatePeer("A", { tags: ["peer-exchange"] }); // a peer event that leaves the status alone
    await settle();
    expect(seen).toEqual(["connecting→connected"]);
    expect(getConnectionStatus(manager)).toBe(getConnectionStatus(manager));
    expect(Object.isFrozen(getConnectionStatus(manager))).toBe(true);
    unwatch();
    fake.disconnectPeer("A");
    await settle();
    expect(seen).toHaveLength(1);
  });

  it("getPeerHealth / watchPeerHealth: all of it, or one protocol, called only when it changes", async () => {
    const fake = createFakeNode();
    const manager = await harness.start(fake, { liveness: false });
    const store: number[] = [];
    const overall: string[] = [];
    watchPeerHealth(manager, { protocol: "store", onChange: (health) => store.push(health.connected) });
    watchPeerHealth(manager, { onChange: (health) => overall.push(health.overall) });
    fake.connectPeer("L", { protocols: ["lightPush"] });
    await settle();
    fake.connectPeer("S", { protocols: ["store"] });
    await settle();
    expect(store).toEqual([1]); // the light push peer changed nothing for store
    expect(overall).toEqual(["degraded", "degraded"]); // the whole health changed twice
    expect(getPeerHealth(manager, "store")).toEqual({ connected: 1, required: 1, ok: true });
    expect(getPeerHealth(manager).store).toBe(getPeerHealth(manager, "store"));
  });

  it("getPeers / watchPeers: the same array while no row changed", async () => {
    const fake = createFakeNode();
    fake.connectPeer("A", { protocols: [...FULL] });
    const manager = await harness.start(fake, { liveness: false });
    const lists: number[] = [];
    watchPeers(manager, { onChange: (peers) => lists.push(peers.length) });
    const first = getPeers(manager);
    expect(getPeers(manager)).toBe(first);
    expect(first.map((peer) => peer.id)).toEqual(["A"]);
    fake.connectPeer("B", { protocols: ["store"] });
    await settle();
    expect(lists).toEqual([2]);
    expect(getPeers(manager)).not.toBe(first);
  });

  it("watchLostConnection: lost after the grace, then restored", async () => {
    vi.useFakeTimers();
    const fake = createFakeNode();
    fake.connectPeer("A", { protocols: [...FULL] });
    fake.connectPeer("B", { protocols: [...FULL] });
    const manager = await harness.start(fake, { liveness: false, lostConnectionGraceMs: 1_000 });
    const signals: string[] = [];
    const unwatch = watchLostConnection(manager, { onChange: (signal) => signals.push(signal) });
    fake.disconnectPeer("A");
    await vi.advanceTimersByTimeAsync(1_000);
    fake.connectPeer("A");
    await settle();
    expect(signals).toEqual(["lost", "restored"]);
    unwatch();
  });
});

describe("round trips", () => {
  it("are published only when they change meaningfully: ping jitter rewrites no row", async () => {
    vi.useFakeTimers();
    const fake = createFakeNode();
    fake.connectPeer("A", { protocols: [...FULL] });
    fake.connectPeer("B", { protocols: [...FULL] });
    // Loopback pings on a busy machine: 7 ms, then swings between 2 and 20 ms, then a real change to 60 ms.
    const answers = [7, 12, 3, 18, 2, 20, 6, 14, 60, 60, 60, 60, 60, 60];
    let round = 0;
    fake.libp2p.services.ping = {
      ping: (_peer: PeerIdLike) => Promise.resolve(answers[Math.min(answers.length - 1, Math.floor(round++ / 2))]!),
    };
    const manager = await harness.start(fake, { liveness: { intervalMs: 1_000, timeoutMs: 500 } });
    await vi.advanceTimersByTimeAsync(1_000);
    const peers = manager.store.getState().peers;
    expect(peers.A?.rttMs).toBe(7);
    const updates: unknown[] = [];
    manager.store.subscribe(
      (state) => state.peers,
      (next) => updates.push(next),
    );
    await vi.advanceTimersByTimeAsync(7_000); // the swings: smoothed, they stay within max(10 ms, 25 %)
    expect(updates).toEqual([]);
    expect(manager.store.getState().peers).toBe(peers);
    await vi.advanceTimersByTimeAsync(3_000); // 60 ms, sustained: a real change shows within a few rounds
    expect(manager.store.getState().peers.A?.rttMs).toBeGreaterThanOrEqual(20);
  });
});
