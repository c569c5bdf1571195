import { beforeEach, describe, expect, it, vi } from "vitest";

import type { ManualEnvironment, PeerIdLike } from "../../../src/core/index.js";
import { DEFAULT_OPTIONS, manualEnvironment } from "../../../src/core/index.js";
import type { FakeNode } from "../_harness.js";
import { createFakeNode, FULL, managerHarness, settle } from "../_harness.js";

type Behaviour =
  | { kind: "answer"; rttMs: number }
  /** Answers after a delay drawn uniformly from [minMs, maxMs] (a link with jitter). */
  | { kind: "jitter"; minMs: number; maxMs: number }
  | { kind: "silent" }
  | { kind: "error"; name: string };

/** libp2p's ping service, scripted per peer; it records who was pinged and never dials. */
function installPing(fake: FakeNode) {
  const behaviour = new Map<string, Behaviour>();
  const pinged: string[] = [];
  /** Peers with a ping unsettled right now, and when each was last pinged. */
  const waiting = new Map<string, number>();
  const lastPingAt = new Map<string, number>();
  const track = (id: string, by: number) => waiting.set(id, (waiting.get(id) ?? 0) + by);
  fake.libp2p.services.ping = {
    ping(peer: PeerIdLike, options?: { signal?: AbortSignal }) {
      const id = peer.toString();
      pinged.push(id);
      if (fake.libp2p.getConnections(peer).length === 0) throw new Error(`ping would dial ${id}`);
      const script = behaviour.get(id) ?? { kind: "answer", rttMs: 7 };
      track(id, 1);
      lastPingAt.set(id, Date.now());
      const settled = new Promise<number>((resolve, reject) => {
        const abort = () => reject(Object.assign(new Error("aborted"), { name: "AbortError" }));
        if (options?.signal?.aborted) return abort();
        options?.signal?.addEventListener("abort", abort, { once: true });
        if (script.kind === "answer") setTimeout(() => resolve(script.rttMs), script.rttMs);
        if (script.kind === "jitter") {
          const rttMs = Math.round(script.minMs + jitterDraw() * (script.maxMs - script.minMs));
          setTimeout(() => resolve(rttMs), rttMs);
        }
        if (script.kind === "error") setTimeout(() => reject(Object.assign(new Error(script.name), { name: script.name })), 1);
      });
      const done = () => track(id, -1);
      settled.then(done, done);
      return settled;
    },
  };
  return { behaviour, pinged, waiting, lastPingAt };
}

/** A fixed pseudo-random sequence, so a jittery run is the same run every time. */
let seed = 1;
function jitterDraw(): number {
  seed = (seed * 16_807) % 2_147_483_647;
  return seed / 2_147_483_647;
}

let environment: ManualEnvironment;
beforeEach(() => {
  environment = manualEnvironment();
});

const harness = managerHarness({
  prepare: (options) => ({ environment, recovery: false, peerCache: false, filterCanary: false, ...options }),
});
const start = harness.start;

function threePeers(): FakeNode {
  const fake = createFakeNode();
  for (const id of ["A", "B", "C"]) fake.connectPeer(id, { protocols: [...FULL] });
  return fake;
}

/** Shipped defaults, read from the one place they are written. */
const LIVENESS = DEFAULT_OPTIONS.liveness!;

describe("liveness pings", () => {
  it("drop a frozen loopback peer within interval + timeout floor (under 1.5 s with shipped defaults) and blame it", async () => {
    const fake = threePeers();
    const ping = installPing(fake);
    const manager = await start(fake);
    // A few rounds of 7 ms answers: each peer's timeout is now the floor.
    await vi.advanceTimersByTimeAsync(4 * LIVENESS.intervalMs + 10);
    // The worst moment to freeze: just after B answered a round.
    ping.behaviour.set("B", { kind: "silent" });
    const frozenAt = Date.now();
    const worstCase = LIVENESS.intervalMs + LIVENESS.minTimeoutMs;
    await vi.advanceTimersByTimeAsync(worstCase - 20);
    expect(manager.store.getState().peers.B?.connected).toBe(true);
    await vi.advanceTimersByTimeAsync(20);
    const state = manager.store.getState();
    expect(Date.now() - frozenAt).toBeLessThan(1_500);
    expect(state.peers.B?.connected).toBe(false);
    expect(state.health.lightPush.connected).toBe(2);
    expect(state.peers.B?.score).toBe(80);
    expect(state.peers.B?.lastFailure).toMatchObject({
      protocol: "ping",
      reason: `no ping answer within ${LIVENESS.minTimeoutMs} ms`,
    });
    expect(state.events.some((event) => event.type === "peer:liveness-failed" && event.peerId === "B")).toBe(true);
    expect(state.peers.A?.connected).toBe(true);
  });

  it("drop a silent peer at its own timeout, not when the round's slowest ping settles; blame it after the round", async () => {
    const fake = threePeers();
    const ping = installPing(fake);
    ping.behaviour.set("C", { kind: "answer", rttMs: 1_500 }); // a far peer: every round lasts 1.5 s
    const manager = await start(fake);
    await vi.advanceTimersByTimeAsync(6 * 1_500); // six rounds of 1.5 s: B's timeout is the floor by now
    ping.behaviour.set("B", { kind: "silent" });
    const silentAt = Date.now();
    while (manager.store.getState().peers.B?.connected && Date.now() - silentAt < 10_000) await vi.advanceTimersByTimeAsync(10);
    // Dropped at its own timeout after the round began, while C's answer in that round is still on its way.
    expect(manager.store.getState().peers.B?.connected).toBe(false);
    const round = ping.lastPingAt.get("B")!;
    expect(Date.now() - round).toBeGreaterThanOrEqual(LIVENESS.minTimeoutMs);
    expect(Date.now() - round).toBeLessThan(LIVENESS.minTimeoutMs + 50);
    expect([ping.lastPingAt.get("C"), ping.waiting.get("C")]).toEqual([round, 1]);
    expect(manager.store.getState().peers.B).toMatchObject({
      score: 100,
      lastFailure: { protocol: "ping", reason: `no ping answer within ${LIVENESS.minTimeoutMs} ms` },
    });
    // C answers, A had: the silence was B's own.
    await vi.advanceTimersByTimeAsync(1_500 - LIVENESS.minTimeoutMs);
    expect(manager.store.getState().peers.B?.score).toBe(80);
  });

  it("never drop a healthy peer behind 300 ms of latency with jitter: its timeout follows its round trips", async () => {
    const fake = threePeers();
    const ping = installPing(fake);
    for (const id of ["A", "B", "C"]) ping.behaviour.set(id, { kind: "jitter", minMs: 150, maxMs: 450 });
    const manager = await start(fake);
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    const state = manager.store.getState();
    expect(state.events.filter((event) => event.type === "peer:liveness-failed")).toEqual([]);
    expect(Object.values(state.peers).every((peer) => peer.connected)).toBe(true);
    // …and such a peer frozen is still dropped, within interval + 3 × its slowest recent answer.
    ping.behaviour.set("B", { kind: "silent" });
    await vi.advanceTimersByTimeAsync(LIVENESS.intervalMs + 3 * 450 + 10);
    expect(manager.store.getState().peers.B?.connected).toBe(false);
  });

  it("leave a connection's slow first answer out of the timeout: a peer frozen soon after connecting is out fast", async () => {
    const fake = threePeers();
    const ping = installPing(fake);
    ping.behaviour.set("B", { kind: "answer", rttMs: 1_500 }); // the first ping of a fresh connection, on a busy machine
    const manager = await start(fake);
    await vi.advanceTimersByTimeAsync(LIVENESS.intervalMs + 1_400); // that answer is on its way
    ping.behaviour.set("B", { kind: "answer", rttMs: 7 });
    await vi.advanceTimersByTimeAsync(3 * LIVENESS.intervalMs); // two fast answers: the floor applies
    ping.behaviour.set("B", { kind: "silent" });
    await vi.advanceTimersByTimeAsync(LIVENESS.intervalMs + LIVENESS.minTimeoutMs + 10);
    expect(manager.store.getState().peers.B?.connected).toBe(false);
  });

  it("disable the aborts of libp2p's connection monitor while running (it blames app stalls); restore them on stop", async () => {
    const fake = threePeers();
    installPing(fake);
    const monitor = { abortConnectionOnPingFailure: true };
    Object.assign(fake.libp2p.components, { connectionMonitor: monitor });
    const manager = await start(fake);
    expect(monitor.abortConnectionOnPingFailure).toBe(false);
    manager.stop();
    expect(monitor.abortConnectionOnPingFailure).toBe(true);
  });

  it("give a peer with nothing measured yet the ceiling", async () => {
    const fake = threePeers();
    const ping = installPing(fake);
    ping.behaviour.set("B", { kind: "silent" });
    const manager = await start(fake);
    await vi.advanceTimersByTimeAsync(LIVENESS.intervalMs + LIVENESS.timeoutMs - 10);
    expect(manager.store.getState().peers.B?.connected).toBe(true);
    await vi.advanceTimersByTimeAsync(20);
    expect(manager.store.getState().peers.B?.connected).toBe(false);
  });

  it("discard a round the app's own stall spoiled, blame nobody, and check again at once", async () => {
    const fake = threePeers();
    const ping = installPing(fake);
    const manager = await start(fake);
    await vi.advanceTimersByTimeAsync(4 * LIVENESS.intervalMs + 2); // a round is in flight: its answers are due at +7 ms
    const before = ping.pinged.length;
    // A 6 s long task: the wall clock jumps, every timer of the round fires late at once.
    vi.setSystemTime(Date.now() + 6_000);
    await vi.advanceTimersByTimeAsync(10);
    const state = manager.store.getState();
    expect(state.events.filter((event) => event.type === "peer:liveness-failed")).toEqual([]);
    expect(state.events.some((event) => event.type === "stall")).toBe(true);
    expect(Object.values(state.peers).every((peer) => peer.connected && peer.score === 100)).toBe(true);
    expect(ping.pinged.length - before).toBe(3); // checked again at once, not an interval later
  });

  it("judge a round anyway when the app stays late round after round: a dead peer is dropped, nobody blamed", async () => {
    const fake = threePeers();
    const ping = installPing(fake);
    const manager = await start(fake);
    await vi.advanceTimersByTimeAsync(4 * LIVENESS.intervalMs + 10); // measured: every timeout is the floor
    ping.behaviour.set("B", { kind: "silent" });
    const lateFrom = Date.now();
    // A steadily loaded machine: every 100 ms of timers, the clock runs 400 ms further (every timer fires late).
    while (manager.store.getState().peers.B?.connected && Date.now() - lateFrom < 30_000) {
      vi.setSystemTime(Date.now() + 400);
      await vi.advanceTimersByTimeAsync(100);
    }
    const droppedAfterMs = Date.now() - lateFrom;
    for (let i = 0; i < 30; i++) {
      // Still late for a while: the others keep answering within the stretched timeouts.
      vi.setSystemTime(Date.now() + 400);
      await vi.advanceTimersByTimeAsync(100);
    }
    const state = manager.store.getState();
    expect(state.peers.B).toMatchObject({ connected: false, score: 100 });
    expect(state.peers.A).toMatchObject({ connected: true, score: 100 });
    expect(state.peers.C).toMatchObject({ connected: true, score: 100 });
    const stalls = state.events.filter((event) => event.type === "stall").map((event) => event.detail ?? "");
    expect(stalls.filter((message) => message.includes("discarded"))).toHaveLength(2);
    expect(stalls.filter((message) => message.includes("judged anyway"))).toHaveLength(1); // once per streak, not per round
    // The round judged anyway waited for the floor plus twice the lateness seen, and no longer.
    expect(droppedAfterMs).toBeLessThan(10_000);
  });

  it("judge even a late round while the device says offline (the outage the user is told about must show)", async () => {
    const fake = threePeers();
    const ping = installPing(fake);
    const manager = await start(fake);
    await vi.advanceTimersByTimeAsync(4 * LIVENESS.intervalMs + 10);
    for (const id of ["A", "B", "C"]) ping.behaviour.set(id, { kind: "silent" });
    environment.setOnline(false);
    const lateFrom = Date.now();
    while (manager.store.getState().status !== "offline" && Date.now() - lateFrom < 30_000) {
      vi.setSystemTime(Date.now() + 400);
      await vi.advanceTimersByTimeAsync(100);
    }
    const state = manager.store.getState();
    expect(state.status).toBe("offline");
    expect(Object.values(state.peers).map((peer) => [peer.connected, peer.score])).toEqual([
      [false, 100],
      [false, 100],
      [false, 100],
    ]);
    expect(state.events.some((event) => event.type === "stall" && event.detail?.includes("discarded"))).toBe(false);
  });

  it("restart a round in flight when the device goes offline: a fresh peer is not held to the online ceiling", async () => {
    const fake = threePeers();
    const ping = installPing(fake);
    const manager = await start(fake);
    await vi.advanceTimersByTimeAsync(4 * LIVENESS.intervalMs + 10); // measured: A, B and C have the floor
    fake.connectPeer("D", { protocols: [...FULL] }); // nothing measured: the 5 s ceiling while online
    for (const id of ["A", "B", "C", "D"]) ping.behaviour.set(id, { kind: "silent" });
    await vi.advanceTimersByTimeAsync(LIVENESS.intervalMs); // a round of unanswered pings is in flight, D's due in 5 s
    expect(ping.waiting.get("D")).toBe(1);
    environment.setOnline(false);
    await vi.advanceTimersByTimeAsync(LIVENESS.minTimeoutMs + 50);
    const state = manager.store.getState();
    expect(state.status).toBe("offline");
    expect(Object.values(state.peers).map((peer) => [peer.id, peer.connected, peer.score])).toEqual([
      ["A", false, 100],
      ["B", false, 100],
      ["C", false, 100],
      ["D", false, 100],
    ]);
    expect(state.events.some((event) => event.type === "stall")).toBe(false);
  });

  it("record the measured round trip in the peer table, fresher than libp2p's own figure", async () => {
    const fake = createFakeNode();
    fake.connectPeer("A", { protocols: [...FULL], rttMs: 500 });
    const ping = installPing(fake);
    ping.behaviour.set("A", { kind: "answer", rttMs: 12 });
    const manager = await start(fake);
    expect(manager.store.getState().peers.A?.rttMs).toBe(500);
    await vi.advanceTimersByTimeAsync(LIVENESS.intervalMs + 12);
    expect(manager.store.getState().peers.A?.rttMs).toBe(12);
  });

  it("only ping peers with an open connection that serve a Waku protocol: a poll never dials", async () => {
    const fake = threePeers();
    fake.connectPeer("plain", { protocols: [] });
    fake.knowPeer("known", { protocols: [...FULL] });
    const ping = installPing(fake);
    await start(fake);
    fake.disconnectPeer("C");
    await vi.advanceTimersByTimeAsync(LIVENESS.intervalMs);
    expect(ping.pinged.sort()).toEqual(["A", "B"]);
  });

  it("blame nobody when nobody answers (our own network) but still drop the dead connections", async () => {
    const fake = threePeers();
    const ping = installPing(fake);
    for (const id of ["A", "B", "C"]) ping.behaviour.set(id, { kind: "silent" });
    const manager = await start(fake);
    await vi.advanceTimersByTimeAsync(LIVENESS.intervalMs + LIVENESS.timeoutMs + 10);
    const state = manager.store.getState();
    expect(state.status).toBe("reconnecting");
    expect(Object.values(state.peers).map((peer) => peer.score)).toEqual([100, 100, 100]);
  });

  it("blame nobody while the device says offline", async () => {
    const fake = threePeers();
    const ping = installPing(fake);
    ping.behaviour.set("B", { kind: "silent" });
    const manager = await start(fake);
    environment.setOnline(false);
    await vi.advanceTimersByTimeAsync(LIVENESS.intervalMs + LIVENESS.timeoutMs + 10);
    expect(manager.store.getState().peers.B).toMatchObject({ connected: false, score: 100 });
  });

  it("give every peer the floor while the device says offline: one with nothing measured, one with slow answers", async () => {
    const fake = threePeers();
    const ping = installPing(fake);
    ping.behaviour.set("A", { kind: "answer", rttMs: 1_400 }); // measured slow (a node just thawed): about 4 s
    const manager = await start(fake);
    await vi.advanceTimersByTimeAsync(6 * 1_500);
    fake.connectPeer("D", { protocols: [...FULL] }); // nothing measured: the 5 s ceiling
    for (const id of ["A", "B", "C", "D"]) ping.behaviour.set(id, { kind: "silent" });
    environment.setOnline(false);
    await vi.advanceTimersByTimeAsync(LIVENESS.minTimeoutMs + 50);
    const state = manager.store.getState();
    expect(Object.values(state.peers).map((peer) => [peer.id, peer.connected, peer.score])).toEqual([
      ["A", false, 100],
      ["B", false, 100],
      ["C", false, 100],
      ["D", false, 100],
    ]);
    expect(state.status).toBe("offline");
    const reasons = state.events.filter((event) => event.type === "peer:liveness-failed").map((event) => event.detail);
    expect(new Set(reasons)).toEqual(new Set([`no ping answer within ${LIVENESS.minTimeoutMs} ms`]));
  });

  it("count only silence as a miss: a ping that fails fast (stream limit, no ping protocol) drops nothing", async () => {
    const fake = threePeers();
    const ping = installPing(fake);
    ping.behaviour.set("A", { kind: "error", name: "TooManyOutboundProtocolStreamsError" });
    ping.behaviour.set("B", { kind: "error", name: "UnsupportedProtocolError" });
    const manager = await start(fake);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(Object.values(manager.store.getState().peers).every((peer) => peer.connected)).toBe(true);
    // B has no ping protocol: it is not asked again while connected.
    expect(ping.pinged.filter((id) => id === "B")).toHaveLength(1);
    expect(ping.pinged.filter((id) => id === "A").length).toBeGreaterThan(1);
  });

  it("ping at once on a hint (a resumed laptop's sockets are often dead)", async () => {
    const fake = threePeers();
    const ping = installPing(fake);
    await start(fake);
    environment.emit("resume");
    await settle();
    expect(ping.pinged.sort()).toEqual(["A", "B", "C"]);
  });

  it("follow the configured interval and timeout, and can be turned off", async () => {
    const fake = threePeers();
    const ping = installPing(fake);
    ping.behaviour.set("A", { kind: "silent" });
    const manager = await start(fake, { liveness: { intervalMs: 500, timeoutMs: 300 } });
    await vi.advanceTimersByTimeAsync(801);
    expect(manager.store.getState().peers.A?.connected).toBe(false);

    const quiet = threePeers();
    const quietPing = installPing(quiet);
    harness.create(quiet, { environment: manualEnvironment(), liveness: false, recovery: false, peerCache: false }, "exactly");
    await vi.advanceTimersByTimeAsync(10_000);
    expect(quietPing.pinged).toEqual([]);
  });

  it("abort pings in flight and leave no timer on stop()", async () => {
    const fake = threePeers();
    const ping = installPing(fake);
    ping.behaviour.set("A", { kind: "silent" });
    const manager = await start(fake);
    await vi.advanceTimersByTimeAsync(LIVENESS.intervalMs + 50); // B and C answered; A's ping is in flight
    manager.stop();
    await settle();
    expect(vi.getTimerCount()).toBe(0);
  });
});
