import { beforeEach, describe, expect, it, vi } from "vitest";

import type { ManualEnvironment } from "../../../src/core/index.js";
import { manualEnvironment } from "../../../src/core/index.js";
import type { FakeNode } from "../_harness.js";
import { addFakeProtocols, createFakeNode, FULL, managerHarness, settle } from "../_harness.js";

let environment: ManualEnvironment;
beforeEach(() => {
  environment = manualEnvironment();
});

const harness = managerHarness({
  prepare: (options) => ({
    environment,
    liveness: false,
    peerCache: false,
    filterCanary: false,
    random: () => 0.999999,
    ...options,
  }),
});
const start = harness.start;

function fleet(ids: string[]): FakeNode {
  const fake = createFakeNode();
  for (const id of ids) fake.connectPeer(id, { protocols: [...FULL] });
  return fake;
}

const encoder = { contentTopic: "/app/1/chat/proto", pubsubTopic: "/waku/2/rs/42/1" };

describe("protocol failures observed on the SDK", () => {
  it("a peer that rejects light push loses score with every rejection and is replaced below the threshold", async () => {
    const fake = fleet(["A", "B", "C"]);
    const sdk = addFakeProtocols(fake);
    sdk.state.lightPushPeers = ["A", "B"];
    sdk.state.rejectLightPush.set("B", "Remote peer rejected");
    const manager = await start(fake);

    const result = await sdk.node.lightPush.send(encoder, { payload: new Uint8Array([1]) });
    // The app gets the SDK's result untouched.
    expect(result.failures).toEqual([{ error: "Remote peer rejected", peerId: expect.anything() }]);
    await settle();
    expect(manager.store.getState().peers.B).toMatchObject({
      score: 80,
      lastFailure: { protocol: "lightPush", reason: "light push: Remote peer rejected" },
    });
    expect(manager.store.getState().peers.A?.score).toBe(100);

    await sdk.node.lightPush.send(encoder, { payload: new Uint8Array([2]) });
    await sdk.node.lightPush.send(encoder, { payload: new Uint8Array([3]) });
    await settle();
    const state = manager.store.getState();
    expect(state.peers.B).toMatchObject({ score: 40, connected: false });
    expect(state.events.filter((event) => event.type === "peer:replaced").map((event) => event.peerId)).toEqual(["B"]);
    // Quarantined: the SDK's own re-dial is denied…
    fake.scriptDial("B", "ok");
    await expect(fake.libp2p.dial({ toString: () => "B" })).rejects.toThrow(/denied/);
  });

  it("a replaced peer gives way to a spare when requirements need one, and returns on probation after quarantine", async () => {
    const fake = fleet(["A", "B"]);
    fake.knowPeer("C", { protocols: [...FULL] });
    fake.scriptDial("C", "ok");
    const sdk = addFakeProtocols(fake);
    const manager = await start(fake, { peerPolicy: { quarantineMs: 60_000 } });
    sdk.state.lightPushPeers = ["B"];
    sdk.state.rejectLightPush.set("B", "Service temporarily unavailable");
    for (let i = 0; i < 3; i++) await sdk.node.lightPush.send(encoder, { payload: new Uint8Array([i]) });
    await vi.advanceTimersByTimeAsync(10);
    let state = manager.store.getState();
    expect(state.peers.C?.connected).toBe(true);
    expect(state.status).toBe("connected");
    expect(fake.dials).not.toContain("B");

    await vi.advanceTimersByTimeAsync(60_000);
    state = manager.store.getState();
    expect(state.peers.B?.score).toBe(70);
    expect(
      state.events.some((event) => event.type === "peer:parked" && event.peerId === "B" && event.detail === "quarantine over"),
    ).toBe(true);
    fake.scriptDial("B", "ok");
    await expect(fake.libp2p.dial({ toString: () => "B" })).resolves.toBeDefined();
  });

  it("ignores failures that are not the peer's doing, and rewards successes", async () => {
    const fake = fleet(["A", "B", "C", "D", "E"]);
    const sdk = addFakeProtocols(fake);
    sdk.state.lightPushPeers = ["A", "B", "C", "D", "E"];
    sdk.state.rejectLightPush.set("B", "Message payload exceeds maximum size");
    sdk.state.rejectLightPush.set("C", "No stream available");
    sdk.state.rejectLightPush.set("D", "Stream aborted");
    sdk.state.rejectLightPush.set("E", "Remote peer rejected");
    const manager = await start(fake);
    await sdk.node.lightPush.send(encoder, {});
    await sdk.node.lightPush.send(encoder, {});
    await settle();
    const scores = Object.fromEntries(Object.values(manager.store.getState().peers).map((peer) => [peer.id, peer.score]));
    expect(scores).toEqual({ A: 100, B: 100, C: 100, D: 100, E: 60 });
    sdk.state.rejectLightPush.delete("E");
    await sdk.node.lightPush.send(encoder, {});
    await settle();
    expect(manager.store.getState().peers.E?.score).toBe(65);
  });

  it("counts filter ping and subscribe failures, and store errors (which still reach the caller)", async () => {
    const fake = fleet(["A", "B", "C", "D"]);
    const sdk = addFakeProtocols(fake);
    sdk.state.silent.add("ping-fail:A");
    sdk.state.storeFails.set("B", 500);
    const manager = await start(fake);
    await sdk.node.filter.protocol.ping({ toString: () => "A" });
    await sdk.node.filter.protocol.ping({ toString: () => "C" });
    const pages: unknown[] = [];
    await expect(
      (async () => {
        for await (const page of sdk.node.store.protocol.queryPerPage({}, {}, { toString: () => "B" })) pages.push(page);
      })(),
    ).rejects.toThrow("Store query failed with status code: 500");
    expect(pages).toEqual([["page 1"]]);
    for await (const page of sdk.node.store.protocol.queryPerPage({}, {}, { toString: () => "D" })) pages.push(page);
    await settle();
    const peers = manager.store.getState().peers;
    expect(peers.A).toMatchObject({
      score: 80,
      lastFailure: { protocol: "filter", reason: "filter ping: Remote peer rejected" },
    });
    expect(peers.B).toMatchObject({ score: 80, lastFailure: { protocol: "store" } });
    expect(peers.C?.score).toBe(100);
    expect(peers.D?.score).toBe(100);
  });

  it("blames nobody while the device says offline", async () => {
    const fake = fleet(["A", "B"]);
    const sdk = addFakeProtocols(fake);
    sdk.state.lightPushPeers = ["B"];
    sdk.state.rejectLightPush.set("B", "Remote peer rejected");
    const manager = await start(fake);
    environment.setOnline(false);
    await sdk.node.lightPush.send(encoder, {});
    manager.reportFailure("A", "store", "app says so");
    await settle();
    const peers = manager.store.getState().peers;
    expect(peers.B).toMatchObject({ score: 100, lastFailure: { protocol: "lightPush" } });
    expect(peers.A).toMatchObject({ score: 100, lastFailure: { protocol: "store", reason: "app says so" } });
  });

  it("takes the app's own reports too, and ignores peers it does not know", async () => {
    const fake = fleet(["A", "B"]);
    const manager = await start(fake);
    manager.reportFailure("A", "store", "slow");
    manager.reportFailure("A", "store");
    manager.reportSuccess("A", "store");
    manager.reportFailure("nobody", "filter");
    await settle();
    expect(manager.store.getState().peers.A).toMatchObject({
      score: 65,
      lastFailure: { protocol: "store", reason: "unspecified" },
    });
    expect(manager.store.getState().peers.nobody).toBeUndefined();
  });

  it("puts every wrapped method back on stop()", async () => {
    const fake = fleet(["A"]);
    const sdk = addFakeProtocols(fake);
    const originals = {
      send: sdk.node.lightPush.send,
      ping: sdk.node.filter.protocol.ping,
      subscribe: sdk.node.filter.protocol.subscribe,
      push: sdk.node.filter.protocol.handleIncomingMessage,
      query: sdk.node.store.protocol.queryPerPage,
    };
    const manager = await start(fake);
    expect(sdk.node.lightPush.send).not.toBe(originals.send);
    manager.stop();
    expect({
      send: sdk.node.lightPush.send,
      ping: sdk.node.filter.protocol.ping,
      subscribe: sdk.node.filter.protocol.subscribe,
      push: sdk.node.filter.protocol.handleIncomingMessage,
      query: sdk.node.store.protocol.queryPerPage,
    }).toEqual(originals);
    expect(Object.hasOwn(sdk.node.lightPush, "send")).toBe(true);
  });

  it("leaves a wrapper someone installed after it alone", async () => {
    const fake = fleet(["A"]);
    const sdk = addFakeProtocols(fake);
    const manager = await start(fake);
    const theirs = async () => ({ successes: [], failures: [] });
    sdk.node.lightPush.send = theirs;
    manager.stop();
    expect(sdk.node.lightPush.send).toBe(theirs);
  });
});
