import { describe, expect, it, vi } from "vitest";

import { createFakeNode, FULL, inOrder, managerHarness, settle } from "../_harness.js";

// Candidates in peer store order; recovery left to the manual lever these tests are about.
const harness = managerHarness({ prepare: (options) => ({ random: inOrder, recovery: false, ...options }) });
const start = harness.start;

describe("reconnect()", () => {
  it("re-dials known service peers and resolves ok as soon as the requirements are met", async () => {
    const fake = createFakeNode();
    fake.knowPeer("A", { protocols: [...FULL] });
    fake.knowPeer("B", { protocols: [...FULL] });
    fake.scriptDial("A", "ok", { delayMs: 100 });
    fake.scriptDial("B", "ok", { delayMs: 200 });
    const manager = await start(fake);

    const result = manager.reconnect();
    expect(manager.store.getState().recovery).toMatchObject({
      inProgress: true,
      manual: true,
      progress: { dialed: 0, total: 0, succeeded: 0 },
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(manager.store.getState().recovery.progress).toEqual({ dialed: 2, total: 2, succeeded: 0 });
    await vi.advanceTimersByTimeAsync(100);
    expect(manager.store.getState().recovery.progress).toEqual({ dialed: 2, total: 2, succeeded: 1 });
    expect(manager.store.getState().status).toBe("degraded");
    await vi.advanceTimersByTimeAsync(100);

    await expect(result).resolves.toMatchObject({ ok: true, status: "connected", dialed: 2, durationMs: 200 });
    expect(manager.store.getState().recovery).toMatchObject({ inProgress: false, manual: false });
    expect(manager.store.getState().lastError).toBeUndefined();
  });

  it("dials bootstrap peers even before they identified, and peers it is not connected to first", async () => {
    const fake = createFakeNode();
    fake.connectPeer("connected", { protocols: ["store"] });
    fake.knowPeer("boot", { tags: ["bootstrap"] });
    fake.knowPeer("served", { protocols: ["filter"] });
    fake.knowPeer("unrelated");
    const manager = await start(fake, { dialConcurrency: 1, reconnectTimeoutMs: 1_000 });
    const result = manager.reconnect();
    await vi.advanceTimersByTimeAsync(1_000);
    await result;
    expect(fake.dials.slice(0, 2).sort()).toEqual(["boot", "served"]);
    expect(fake.dials).toEqual([...fake.dials.slice(0, 2), "connected"]);
    expect(fake.dials).not.toContain("unrelated");
    expect(fake.dials).not.toContain("self");
  });

  it("moves on to the next candidate when a dial fails", async () => {
    const fake = createFakeNode();
    for (const id of ["A", "B", "C"]) fake.knowPeer(id, { protocols: [...FULL] });
    fake.scriptDial("A", "fail", { delayMs: 50 });
    fake.scriptDial("B", "ok", { delayMs: 50 });
    fake.scriptDial("C", "ok", { delayMs: 50 });
    const manager = await start(fake, { dialConcurrency: 1 });

    const result = manager.reconnect();
    await vi.advanceTimersByTimeAsync(150);

    await expect(result).resolves.toMatchObject({ ok: true, dialed: 3 });
    expect(fake.dials).toEqual(["A", "B", "C"]);
    const failed = manager.store.getState().events.filter((event) => event.type === "peer:dial-failed");
    expect(failed).toEqual([expect.objectContaining({ peerId: "A", detail: "dial to A failed" })]);
  });

  it("resolves ok: false once the timeout passes without meeting the requirements", async () => {
    const fake = createFakeNode();
    fake.knowPeer("A", { protocols: ["lightPush"] });
    fake.scriptDial("A", "ok");
    const manager = await start(fake);

    let settled = false;
    const result = manager.reconnect().finally(() => (settled = true));
    await vi.advanceTimersByTimeAsync(9_999);
    expect(settled).toBe(false);
    expect(manager.store.getState().status).toBe("degraded");
    await vi.advanceTimersByTimeAsync(1);

    await expect(result).resolves.toEqual({
      ok: false,
      status: "degraded",
      durationMs: 10_000,
      dialed: 1,
      error: { code: "TIMEOUT", message: "requirements not met within 10000 ms" },
    });
    const state = manager.store.getState();
    expect(state.recovery).toMatchObject({ inProgress: false });
    expect(state.lastError).toEqual({ code: "TIMEOUT", message: "requirements not met within 10000 ms" });
  });

  it("honours a per-call timeout", async () => {
    const manager = await start(createFakeNode());
    const result = manager.reconnect({ timeoutMs: 500 });
    await vi.advanceTimersByTimeAsync(500);
    await expect(result).resolves.toMatchObject({ ok: false, durationMs: 500 });
  });

  it("shares one run between concurrent calls", async () => {
    const fake = createFakeNode();
    fake.knowPeer("A", { protocols: [...FULL] });
    fake.knowPeer("B", { protocols: [...FULL] });
    fake.scriptDial("A", "ok", { delayMs: 100 });
    fake.scriptDial("B", "ok", { delayMs: 100 });
    const manager = await start(fake);

    const first = manager.reconnect();
    const second = manager.reconnect({ hard: true });
    expect(second).toBe(first);
    await vi.advanceTimersByTimeAsync(100);

    expect(await second).toBe(await first);
    expect([...fake.dials].sort()).toEqual(["A", "B"]);
  });

  it("starts a new run once the previous one finished", async () => {
    const fake = createFakeNode();
    const manager = await start(fake);
    const first = manager.reconnect({ timeoutMs: 10 });
    await vi.advanceTimersByTimeAsync(10);
    await first;
    expect(manager.reconnect({ timeoutMs: 10 })).not.toBe(first);
  });

  it("resolves at once, without dialing, when the requirements are met and every known peer is connected", async () => {
    const fake = createFakeNode();
    fake.connectPeer("A", { protocols: [...FULL] });
    fake.connectPeer("B", { protocols: [...FULL] });
    const manager = await start(fake);
    await expect(manager.reconnect()).resolves.toMatchObject({ ok: true, status: "connected", dialed: 0 });
    expect(fake.dials).toEqual([]);
  });

  it("with the requirements met, re-dials a service peer that came back, but no bootstrap peer", async () => {
    const fake = createFakeNode();
    fake.connectPeer("A", { protocols: [...FULL] });
    fake.connectPeer("B", { protocols: [...FULL] });
    fake.knowPeer("returned", { protocols: [...FULL] });
    fake.knowPeer("boot", { protocols: [...FULL], tags: ["bootstrap"] });
    fake.scriptDial("returned", "ok", { delayMs: 50 });
    const manager = await start(fake);

    const result = manager.reconnect();
    await vi.advanceTimersByTimeAsync(50);
    await expect(result).resolves.toMatchObject({ ok: true, status: "connected", dialed: 1 });
    expect(fake.dials).toEqual(["returned"]);
    expect(manager.store.getState().health.lightPush.connected).toBe(3);
  });

  it("with the requirements met, lets a slow re-dial go on after the run has resolved", async () => {
    const fake = createFakeNode();
    fake.connectPeer("A", { protocols: [...FULL] });
    fake.connectPeer("B", { protocols: [...FULL] });
    fake.knowPeer("returned", { protocols: [...FULL] });
    // A loaded machine: the dial outlasts SLOW_DIAL_MS (1 s) but not the dial timeout (5 s).
    fake.scriptDial("returned", "ok", { delayMs: 2_500 });
    const manager = await start(fake);

    const result = manager.reconnect();
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(result).resolves.toMatchObject({ ok: true, status: "connected", dialed: 1 });
    expect(manager.store.getState().health.lightPush.connected).toBe(2);
    await vi.advanceTimersByTimeAsync(1_500);
    await settle();
    expect(manager.store.getState().peers.returned?.connected).toBe(true);
    expect(manager.store.getState().health.lightPush.connected).toBe(3);
  });

  it("stops dialing once the requirements are met", async () => {
    const fake = createFakeNode();
    for (const id of ["A", "B", "C", "D"]) {
      fake.knowPeer(id, { protocols: [...FULL] });
      fake.scriptDial(id, "ok", { delayMs: 10 });
    }
    const manager = await start(fake, { dialConcurrency: 1 });
    const result = manager.reconnect();
    await vi.advanceTimersByTimeAsync(100);
    await expect(result).resolves.toMatchObject({ ok: true, dialed: 2 });
    expect(fake.dials).toEqual(["A", "B"]);
  });

  it("never rejects, even when the peer store fails", async () => {
    const fake = createFakeNode();
    fake.libp2p.peerStore.all = async () => {
      throw new Error("datastore closed");
    };
    const manager = await start(fake);
    const result = manager.reconnect({ timeoutMs: 100 });
    await vi.advanceTimersByTimeAsync(100);
    await expect(result).resolves.toMatchObject({ ok: false });
    expect(manager.store.getState().events.map((event) => event.detail)).toContain("cannot list known peers: datastore closed");
  });

  it("resolves ok: false for an invalid timeout instead of throwing", async () => {
    const manager = await start(createFakeNode());
    await expect(manager.reconnect({ timeoutMs: -1 })).resolves.toMatchObject({ ok: false, dialed: 0 });
  });

  it("re-runs discovery on a hard reconnect", async () => {
    const fake = createFakeNode();
    const rediscover = vi.fn(() => {
      fake.knowPeer("found", { protocols: [...FULL] });
    });
    const manager = await start(fake, { rediscover });
    const soft = manager.reconnect({ timeoutMs: 10 });
    await vi.advanceTimersByTimeAsync(10);
    await soft;
    expect(rediscover).not.toHaveBeenCalled();
    const hard = manager.reconnect({ hard: true, timeoutMs: 10 });
    await vi.advanceTimersByTimeAsync(10);
    await hard;
    expect(rediscover).toHaveBeenCalledTimes(1);
  });

  it("resolves ok: false when the manager stops mid-run, and refuses after stop", async () => {
    const fake = createFakeNode();
    fake.knowPeer("A", { protocols: [...FULL] });
    fake.scriptDial("A", "hang");
    const manager = await start(fake);
    const result = manager.reconnect();
    await vi.advanceTimersByTimeAsync(10);
    manager.stop();
    await expect(result).resolves.toMatchObject({ ok: false, status: "disconnected" });
    await expect(manager.reconnect()).resolves.toMatchObject({
      ok: false,
      error: { code: "STOPPED", message: "the peer manager is stopped" },
    });
  });

  it("records the failed dial on a known peer", async () => {
    const fake = createFakeNode();
    const manager = await start(fake);
    fake.connectPeer("A", { protocols: ["store"] });
    fake.disconnectPeer("A");
    fake.scriptDial("A", "fail");
    const result = manager.reconnect({ timeoutMs: 10 });
    await vi.advanceTimersByTimeAsync(10);
    await result;
    expect(manager.store.getState().peers.A?.lastFailure).toMatchObject({ protocol: "dial", reason: "dial to A failed" });
  });
});

describe("reconnect({ hard: true })", () => {
  const BOOT = "/ip4/127.0.0.1/tcp/1/ws/p2p/boot";
  const asAddress = (address: string) => ({ toString: () => address });

  it("dials the configured bootstrap peers again, even ones the peer store never had", async () => {
    const fake = createFakeNode();
    fake.scriptDial("boot", "ok");
    const manager = await start(fake, { bootstrapPeers: [BOOT], parseMultiaddr: asAddress });
    const result = manager.reconnect({ hard: true, timeoutMs: 100 });
    await vi.advanceTimersByTimeAsync(100);
    await result;
    expect(fake.dials).toContain("boot");
  });

  it("lets parked bootstrap peers back in", async () => {
    const fake = createFakeNode();
    fake.connectPeer("boot1", { protocols: [...FULL], tags: ["bootstrap"], openedAt: 1 });
    fake.connectPeer("boot2", { protocols: [...FULL], tags: ["bootstrap"], openedAt: 2 });
    fake.connectPeer("px1", { protocols: [...FULL] });
    fake.connectPeer("px2", { protocols: [...FULL] });
    const manager = await start(fake);
    expect(manager.store.getState().peers.boot2?.connected).toBe(false);
    void manager.reconnect({ hard: true, timeoutMs: 10 });
    await settle();
    expect(manager.store.getState().events.some((event) => event.detail === "released by a hard reconnect")).toBe(true);
  });

  it("recreates the node when re-discovery does not meet the requirements", async () => {
    const fake = createFakeNode();
    const recreateNode = vi.fn(async () => true);
    const manager = await start(fake, { recreateNode });
    const result = manager.reconnect({ hard: true, timeoutMs: 100 });
    await vi.advanceTimersByTimeAsync(100);
    await expect(result).resolves.toMatchObject({ ok: true, recreated: true, durationMs: 100 });
    expect(recreateNode).toHaveBeenCalledTimes(1);
    expect((await result).error).toBeUndefined();
    expect(manager.store.getState().events.map((event) => event.detail)).toEqual(
      expect.arrayContaining(["hard reconnect started", "recreating the node", "node recreated in 100 ms"]),
    );
  });

  it("does not recreate anything when discovery was enough, or for a soft reconnect", async () => {
    const fake = createFakeNode();
    fake.knowPeer("A", { protocols: [...FULL] });
    fake.knowPeer("B", { protocols: [...FULL] });
    fake.scriptDial("A", "ok");
    fake.scriptDial("B", "ok");
    const recreateNode = vi.fn();
    const manager = await start(fake, { recreateNode });
    await expect(manager.reconnect({ hard: true })).resolves.toMatchObject({ ok: true });
    fake.disconnectPeer("A");
    fake.scriptDial("A", "fail");
    const soft = manager.reconnect({ timeoutMs: 10 });
    await vi.advanceTimersByTimeAsync(10);
    await soft;
    expect(recreateNode).not.toHaveBeenCalled();
  });

  it("reports a recreation that failed or said no, without rejecting", async () => {
    for (const [recreateNode, message] of [
      [async () => false, "recreateNode reported failure"],
      [
        async () => {
          throw new Error("no network");
        },
        "recreating the node failed: no network",
      ],
    ] as const) {
      const manager = await start(createFakeNode(), { recreateNode });
      const result = manager.reconnect({ hard: true, timeoutMs: 10 });
      await vi.advanceTimersByTimeAsync(10);
      await expect(result).resolves.toMatchObject({ ok: false, recreated: true, error: { code: "RECREATE_FAILED", message } });
      manager.stop();
    }
  });

  it("says so when there is no recreateNode option", async () => {
    const manager = await start(createFakeNode());
    const result = manager.reconnect({ hard: true, timeoutMs: 10 });
    await vi.advanceTimersByTimeAsync(10);
    await expect(result).resolves.toEqual({
      ok: false,
      status: "connecting",
      durationMs: 10,
      dialed: 0,
      error: {
        code: "NO_PEERS",
        message: "requirements not met within 10 ms; no recreateNode option: the node was not recreated",
      },
    });
  });
});
