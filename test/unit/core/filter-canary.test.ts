import { describe, expect, it, vi } from "vitest";

import { manualEnvironment } from "../../../src/core/index.js";
import { isCanaryTopic } from "../../../src/core/internal.js";
import type { FakeNode } from "../_harness.js";
import { addFakeProtocols, createFakeNode, FULL, managerHarness, pubsubTopicOf, settle } from "../_harness.js";

const APP_TOPIC = "/app/1/chat/proto";

const harness = managerHarness({
  prepare: (options) => ({ environment: manualEnvironment(), liveness: false, peerCache: false, random: () => 0.5, ...options }),
});
const start = harness.start;

/** A, B, C connected; light push through A; the app subscribed to APP_TOPIC with A and B. */
function setup() {
  const fake: FakeNode = createFakeNode();
  for (const id of ["A", "B", "C"]) fake.connectPeer(id, { protocols: [...FULL] });
  const sdk = addFakeProtocols(fake);
  sdk.state.lightPushPeers = ["A"];
  sdk.subscribe(APP_TOPIC, ["A", "B"]);
  return { fake, sdk };
}

const probes = (sent: string[]) => sent.filter(isCanaryTopic);

describe("filter canary (shipped defaults: looks every 5 s, judges peers subscribed for 5 s, 3 s to push)", () => {
  it("finds a filter peer that accepts the subscription but never pushes, and replaces it after two misses", async () => {
    const { fake, sdk } = setup();
    sdk.state.silent.add("B");
    const manager = await start(fake);

    await vi.advanceTimersByTimeAsync(10_000); // 5 s: peers seen; 10 s: judged, first probe
    expect(probes(sdk.state.sent)).toHaveLength(1);
    const canaryTopic = probes(sdk.state.sent)[0]!;
    // The probe went to the app's shard, and both subscribed peers were subscribed to it.
    expect(pubsubTopicOf(canaryTopic)).toBe(pubsubTopicOf(APP_TOPIC));
    expect([...(sdk.filterSubscriptions.get("B")?.get(pubsubTopicOf(APP_TOPIC)) ?? [])]).toContain(canaryTopic);
    await vi.advanceTimersByTimeAsync(3_000);
    let state = manager.store.getState();
    expect(state.peers.B).toMatchObject({
      score: 70,
      lastFailure: { protocol: "filter", reason: "filter: no push within 3000 ms of a canary probe" },
    });
    expect(state.peers.A?.score).toBe(100);

    // A suspect is checked again at the next look (5 s after this round ended), not 30 s later.
    await vi.advanceTimersByTimeAsync(8_000);
    state = manager.store.getState();
    // 70, +5 for accepting the canary subscription again (that is its trick), −30.
    expect(state.peers.B).toMatchObject({ score: 45, connected: false });
    expect(state.events.some((event) => event.type === "peer:replaced" && event.peerId === "B")).toBe(true);
  });

  it("lets delivering peers be: one probe, then a round every 30 s, free while they push app traffic", async () => {
    const { fake, sdk } = setup();
    const manager = await start(fake);
    await vi.advanceTimersByTimeAsync(13_000);
    expect(probes(sdk.state.sent)).toHaveLength(1);
    expect(Object.values(manager.store.getState().peers).map((peer) => peer.score)).toEqual([100, 100, 100]);

    // App traffic keeps flowing from both: the next rounds cost nothing.
    const traffic = setInterval(() => sdk.publishFromElsewhere(pubsubTopicOf(APP_TOPIC), APP_TOPIC), 1_000);
    await vi.advanceTimersByTimeAsync(90_000);
    clearInterval(traffic);
    expect(probes(sdk.state.sent)).toHaveLength(1);

    // Quiet again: the traffic since the last round still counts once, then a probe.
    await vi.advanceTimersByTimeAsync(65_000);
    expect(probes(sdk.state.sent)).toHaveLength(2);
  });

  it("judges no one when no light push peer accepted the probe", async () => {
    const { fake, sdk } = setup();
    sdk.state.silent.add("B");
    sdk.state.rejectLightPush.set("A", "Rate limit exceeded");
    const manager = await start(fake, { peerPolicy: { replaceBelowScore: 0 } });
    await vi.advanceTimersByTimeAsync(20_000);
    expect(manager.store.getState().peers.B?.score).toBe(100);
  });

  it("gives new subscription peers time to subscribe before judging them", async () => {
    const { fake, sdk } = setup();
    const manager = await start(fake);
    await vi.advanceTimersByTimeAsync(13_000);
    sdk.state.silent.add("C");
    sdk.subscribe(APP_TOPIC, ["C"]); // C joins the subscription (say after a replacement)
    await vi.advanceTimersByTimeAsync(4_000);
    expect(manager.store.getState().peers.C?.score).toBe(100);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(manager.store.getState().peers.C?.score).toBeLessThan(100);
  });

  it("says once that it is unavailable when the SDK's subscriptions cannot be read, and probes nothing", async () => {
    const { fake, sdk } = setup();
    (sdk.node.filter as { subscriptions?: unknown }).subscriptions = undefined;
    const manager = await start(fake);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(probes(sdk.state.sent)).toEqual([]);
    expect(manager.store.getState().events.filter((event) => event.detail?.startsWith("filter canary unavailable"))).toHaveLength(
      1,
    );
  });

  it("does nothing while offline, when the app holds no subscription, or when turned off", async () => {
    const offline = setup();
    const environment = manualEnvironment({ online: false });
    const first = harness.create(offline.fake, { environment, liveness: false, peerCache: false }, "exactly");
    await vi.advanceTimersByTimeAsync(60_000);
    expect(probes(offline.sdk.state.sent)).toEqual([]);
    first.stop();

    const fake = createFakeNode();
    fake.connectPeer("A", { protocols: [...FULL] });
    const empty = addFakeProtocols(fake);
    empty.state.lightPushPeers = ["A"];
    const second = await start(fake);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(probes(empty.state.sent)).toEqual([]);
    second.stop();

    const off = setup();
    await start(off.fake, { filterCanary: false });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(probes(off.sdk.state.sent)).toEqual([]);
  });

  it("unsubscribes the canary topic and leaves no timer on stop()", async () => {
    const { fake, sdk } = setup();
    const manager = await start(fake);
    await vi.advanceTimersByTimeAsync(11_000); // a probe is waiting for pushes
    const canaryTopic = probes(sdk.state.sent)[0]!;
    manager.stop();
    await settle();
    expect(vi.getTimerCount()).toBe(0);
    expect([...(sdk.filterSubscriptions.get("A")?.get(pubsubTopicOf(APP_TOPIC)) ?? [])]).not.toContain(canaryTopic);
    expect([...(sdk.filterSubscriptions.get("A")?.get(pubsubTopicOf(APP_TOPIC)) ?? [])]).toContain(APP_TOPIC);
  });
});
