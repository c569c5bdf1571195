import { describe, expect, it, vi } from "vitest";

import type { Libp2pLike } from "../../../src/core/index.js";
import { manualEnvironment } from "../../../src/core/index.js";
import type { DialCandidate, OrderOptions, ServicePeer } from "../../../src/core/internal.js";
import { orderDialCandidates, planBootstrapLimit, shuffle } from "../../../src/core/internal.js";
import { protocolMaskFromCodecs } from "../../../src/core/peers/codecs.js";
import { createLifetime } from "../../../src/core/lifetime/lifetime.js";
import { installDialGate } from "../../../src/core/sdk/dial-gate.js";
import { createFakeNode, FAKE_CODECS, FULL, managerHarness, settle } from "../_harness.js";
const FULL_MASK = protocolMaskFromCodecs([FAKE_CODECS.lightPush, FAKE_CODECS.filter, FAKE_CODECS.store]);

function candidate(id: string, patch: Partial<DialCandidate> = {}): DialCandidate {
  return {
    id,
    target: { toString: () => id },
    connected: false,
    bootstrap: false,
    cached: false,
    score: 100,
    lastDialFailureAt: undefined,
    ...patch,
  };
}

const options = (patch: Partial<OrderOptions> = {}): OrderOptions => ({
  startup: false,
  isBlocked: () => false,
  replaceBelowScore: 50,
  random: () => 0.999999,
  now: 100_000,
  ...patch,
});

describe("orderDialCandidates", () => {
  it("puts non-bootstrap peers before bootstrap peers, and connected peers last", () => {
    const order = orderDialCandidates(
      [candidate("boot", { bootstrap: true }), candidate("on", { connected: true }), candidate("px1"), candidate("px2")],
      options(),
    ).map((entry) => entry.id);
    expect(order).toEqual(["px1", "px2", "boot", "on"]);
  });

  it("puts cached peers first, but only until the first connection", () => {
    const list = [candidate("px"), candidate("cached", { cached: true }), candidate("boot", { bootstrap: true })];
    expect(orderDialCandidates(list, options({ startup: true })).map((entry) => entry.id)).toEqual(["cached", "px", "boot"]);
    expect(orderDialCandidates(list, options({ startup: false })).map((entry) => entry.id)).toEqual(["px", "cached", "boot"]);
  });

  it("skips blocked peers and peers scored below the threshold", () => {
    const order = orderDialCandidates(
      [candidate("low", { score: 49 }), candidate("edge", { score: 50 }), candidate("blocked")],
      options({ isBlocked: (id) => id === "blocked" }),
    ).map((entry) => entry.id);
    expect(order).toEqual(["edge"]);
  });

  it("shuffles within a class, and sends peers whose dial just failed to the end of it", () => {
    const list = ["a", "b", "c", "d"].map((id) => candidate(id));
    const seen = new Set<string>();
    for (let seed = 0; seed < 40; seed++) {
      let state = seed + 1;
      const random = () => {
        state = (state * 16807) % 2147483647;
        return state / 2147483647;
      };
      seen.add(
        orderDialCandidates(list, options({ random }))
          .map((entry) => entry.id)
          .join(""),
      );
    }
    expect(seen.size).toBeGreaterThan(5);

    const failed = orderDialCandidates(
      [candidate("a", { lastDialFailureAt: 99_000 }), candidate("b"), candidate("c", { lastDialFailureAt: 10_000 })],
      options(),
    ).map((entry) => entry.id);
    expect(failed).toEqual(["b", "c", "a"]);
  });

  it("shuffle keeps every item", () => {
    expect(shuffle([1, 2, 3, 4, 5], Math.random).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(shuffle([1, 2, 3], () => 0)).toEqual([2, 3, 1]);
  });
});

describe("planBootstrapLimit", () => {
  const peer = (id: string, bootstrap: boolean, connectedSince: number): ServicePeer => ({
    id,
    protocolMask: FULL_MASK,
    bootstrap,
    score: 100,
    connectedSince,
  });
  const requirements = { lightPush: 2, filter: 2, store: 1, peerExchange: 0 };

  it("keeps the longest-connected bootstrap peer once the others meet the requirements", () => {
    const plan = planBootstrapLimit(
      [peer("b2", true, 5), peer("b1", true, 1), peer("x", false, 2), peer("y", false, 3)],
      requirements,
      1,
    );
    expect(plan).toEqual({ othersSuffice: true, surplus: ["b2"] });
  });

  it("keeps every bootstrap peer while the others do not suffice", () => {
    const plan = planBootstrapLimit([peer("b1", true, 1), peer("b2", true, 2), peer("x", false, 3)], requirements, 1);
    expect(plan).toEqual({ othersSuffice: false, surplus: [] });
  });
});

describe("dial gate", () => {
  it("wraps libp2p's connection gater, asks the previous one for everyone else, and restores it", async () => {
    const previous = vi.fn(async (peerId: { toString(): string }) => peerId.toString() === "app-denied");
    const gater: { denyDialPeer?: typeof previous } = { denyDialPeer: previous };
    const libp2p = { components: { connectionGater: gater } } as unknown as Libp2pLike;
    const lifetime = createLifetime();
    const gate = installDialGate(libp2p, lifetime);
    expect(gate.installed).toBe(true);
    gate.block("parked");
    const deny = gater.denyDialPeer!;
    expect(await deny({ toString: () => "parked" })).toBe(true);
    expect(await deny({ toString: () => "app-denied" })).toBe(true);
    expect(await deny({ toString: () => "free" })).toBe(false);
    gate.unblock("parked");
    expect(await deny({ toString: () => "parked" })).toBe(false);
    lifetime.end();
    expect(gater.denyDialPeer).toBe(previous);
  });

  it("reports itself missing when libp2p has no reachable gater", () => {
    const gate = installDialGate({} as Libp2pLike, createLifetime());
    expect(gate.installed).toBe(false);
    gate.block("x");
    expect(gate.isBlocked("x")).toBe(true);
  });
});

describe("the bootstrap rule in the manager", () => {
  const harness = managerHarness({
    prepare: (options) => ({
      environment: manualEnvironment(),
      liveness: false,
      peerCache: false,
      random: () => 0.999999,
      ...options,
    }),
  });
  const start = harness.start;

  it("hangs up surplus bootstrap peers once others suffice, does not re-dial them, lets them back when needed", async () => {
    const fake = createFakeNode();
    fake.connectPeer("boot1", { protocols: [...FULL], tags: ["bootstrap"], openedAt: 1 });
    fake.connectPeer("boot2", { protocols: [...FULL], tags: ["bootstrap"], openedAt: 2 });
    const manager = await start(fake);
    expect(manager.store.getState().status).toBe("connected");

    fake.connectPeer("px1", { protocols: [...FULL], tags: ["peer-exchange"] });
    fake.connectPeer("px2", { protocols: [...FULL], tags: ["peer-exchange"] });
    await settle();
    let state = manager.store.getState();
    expect(state.peers.boot1?.connected).toBe(true);
    expect(state.peers.boot2?.connected).toBe(false);
    expect(state.events.some((event) => event.type === "peer:parked" && event.peerId === "boot2")).toBe(true);

    // The SDK's maintenance tick re-dials known peers: the gate denies the parked one.
    fake.scriptDial("boot2", "ok");
    await expect(fake.libp2p.dial({ toString: () => "boot2" })).rejects.toThrow(/denied/);
    expect(fake.libp2p.deniedDials).toEqual(["boot2"]);

    // The others stop sufficing: the parked bootstrap peer is allowed again…
    fake.disconnectPeer("px1");
    await settle();
    state = manager.store.getState();
    expect(
      state.events.some(
        (event) => event.type === "peer:parked" && event.peerId === "boot2" && event.detail?.startsWith("released"),
      ),
    ).toBe(true);
    expect(state.status).toBe("connected"); // boot1 + px2 still meet the requirements
    // …and recovery dials it once the requirements are not met.
    fake.disconnectPeer("px2");
    await vi.advanceTimersByTimeAsync(10);
    state = manager.store.getState();
    expect(state.peers.boot2?.connected).toBe(true);
    expect(state.status).toBe("connected");
  });

  it("remembers bootstrap peers from the configured list, after the peer store forgot the tag", async () => {
    const fake = createFakeNode();
    fake.connectPeer("boot1", { protocols: [...FULL], openedAt: 1 });
    fake.connectPeer("boot2", { protocols: [...FULL], openedAt: 2 });
    fake.connectPeer("px1", { protocols: [...FULL] });
    fake.connectPeer("px2", { protocols: [...FULL] });
    const manager = await start(fake, {
      bootstrapPeers: ["/ip4/127.0.0.1/tcp/1/ws/p2p/boot1", "/ip4/127.0.0.1/tcp/2/ws/p2p/boot2"],
      parseMultiaddr: (address) => ({ toString: () => address }),
    });
    expect(manager.store.getState().peers.boot2?.connected).toBe(false);
    expect(manager.store.getState().peers.boot1?.connected).toBe(true);
  });

  it("hangs up a parked peer that connects anyway when the gate is unavailable", async () => {
    const fake = createFakeNode();
    delete (fake.libp2p as { components?: unknown }).components;
    fake.connectPeer("boot1", { protocols: [...FULL], tags: ["bootstrap"], openedAt: 1 });
    fake.connectPeer("boot2", { protocols: [...FULL], tags: ["bootstrap"], openedAt: 2 });
    fake.connectPeer("px1", { protocols: [...FULL] });
    fake.connectPeer("px2", { protocols: [...FULL] });
    const manager = await start(fake);
    expect(manager.store.getState().peers.boot2?.connected).toBe(false);
    fake.connectPeer("boot2");
    await settle();
    expect(manager.store.getState().peers.boot2?.connected).toBe(false);
  });

  it("keeps as many bootstrap peers as configured", async () => {
    const fake = createFakeNode();
    for (const id of ["boot1", "boot2", "px1", "px2"]) {
      fake.connectPeer(id, { protocols: [...FULL], tags: id.startsWith("boot") ? ["bootstrap"] : [] });
    }
    const manager = await start(fake, { peerPolicy: { maxBootstrapServicePeers: 2 } });
    expect(Object.values(manager.store.getState().peers).every((peer) => peer.connected)).toBe(true);
  });
});
