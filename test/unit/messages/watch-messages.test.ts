// @vitest-environment node
import { bytesToUtf8 } from "@waku/sdk";
import { describe, expect, it } from "vitest";

import { memoryStorage, watchMessages, WakuPeersError, type ReceivedMessage } from "../../../src/core/index.js";
import { connectedState, fakeManager, fakeNode, peer, until } from "./_fakes.js";

const TOPIC = "/test/1/chat/proto";
const texts = (received: ReceivedMessage[]) => received.map((message) => bytesToUtf8(message.message.payload));

function setup(options: { storage?: ReturnType<typeof memoryStorage>; backfill?: object } = {}) {
  const node = fakeNode();
  const manager = fakeManager(connectedState());
  const received: ReceivedMessage[] = [];
  const watcher = watchMessages(
    { node, manager },
    {
      contentTopic: TOPIC,
      onMessage: (message) => received.push(message),
      storage: options.storage ?? false,
      backfill: { settleMs: 0, ...options.backfill },
    },
  );
  return { node, manager, received, watcher };
}

describe("watchMessages", () => {
  it("delivers live filter messages once, and a back-fill after a lost filter peer fills the gap without repeats", async () => {
    const { node, manager, received, watcher } = setup();
    await watcher.ready;
    const now = Date.now();
    await node.pushFilter("one", now - 3_000);
    await node.pushFilter("one", now - 3_000);
    expect(texts(received)).toEqual(["one"]);
    expect(watcher.getSync().status).toBe("live");

    // Filter peer A goes away; "two" and "three" only reached the store.
    node.stored.push(
      { payload: new TextEncoder().encode("one"), timestamp: now - 3_000 },
      { payload: new TextEncoder().encode("two"), timestamp: now - 2_000 },
      { payload: new TextEncoder().encode("three"), timestamp: now - 1_000 },
    );
    const state = manager.store.getState();
    manager.set({ peers: { B: state.peers.B! } });
    await until(() => received.length === 3);
    expect(texts(received)).toEqual(["one", "two", "three"]);
    expect(received.map((message) => message.source)).toEqual(["filter", "store", "store"]);
    await until(() => watcher.getSync().status === "live");
    expect(watcher.getSync().lastBackfill).toMatchObject({ reason: "filter-peer-lost", delivered: 2, ok: true });
    watcher.stop();
  });

  it("holds live messages during a back-fill and delivers them in timestamp order with the back-filled ones", async () => {
    const { node, manager, received, watcher } = setup({ backfill: { filterReadyWaitMs: 0 } });
    await watcher.ready;
    const now = Date.now();
    await node.pushFilter("first", now - 5_000);
    node.stored.push({ payload: new TextEncoder().encode("missed"), timestamp: now - 2_000 });
    manager.set({ status: "reconnecting" });
    expect(watcher.getSync().status).toBe("unavailable");
    // A live message arrives before the back-fill could run: it must not jump ahead of "missed".
    await node.pushFilter("after", now - 1_000);
    manager.set({ status: "connected" });
    await until(() => received.length === 3);
    expect(texts(received)).toEqual(["first", "missed", "after"]);
    watcher.stop();
  });

  it("reports a gap it cannot fill when no store peer exists, and fills it once one appears", async () => {
    const node = fakeNode(() => ["F", "S"]);
    const manager = fakeManager(connectedState({ F: peer("F", ["filter", "lightPush"]) }));
    const received: ReceivedMessage[] = [];
    const watcher = watchMessages(
      { node, manager },
      { contentTopic: TOPIC, onMessage: (m) => received.push(m), storage: false, backfill: { storePeerWaitMs: 20, settleMs: 0 } },
    );
    await watcher.ready;
    await node.pushFilter("seen", Date.now() - 1_000);
    manager.set({ status: "reconnecting" });
    manager.set({ status: "connected" });
    await until(() => watcher.getSync().status === "gap");
    expect(watcher.getSync().unfilled).toEqual([expect.objectContaining({ reason: "no store peer" })]);

    node.stored.push({ payload: new TextEncoder().encode("lost"), timestamp: Date.now() - 500 });
    const { peers } = manager.store.getState();
    manager.set({ peers: { ...peers, S: peer("S", ["store"]) } });
    await until(() => watcher.getSync().status === "live");
    expect(texts(received)).toEqual(["seen", "lost"]);
    expect(watcher.getSync().unfilled).toEqual([]);
    watcher.stop();
  });

  it("asks the next store peer when the best one fails", async () => {
    const { node, manager, received, watcher } = setup();
    await watcher.ready;
    node.storeFails.add("A");
    await node.pushFilter("seen", Date.now() - 2_000);
    node.stored.push({ payload: new TextEncoder().encode("gap"), timestamp: Date.now() - 1_000 });
    manager.set({ status: "degraded" });
    manager.set({ status: "connected" });
    await until(() => received.length === 2);
    expect(watcher.getSync().lastBackfill?.peers).toEqual(["A", "B"]);
    watcher.stop();
  });

  it("after a restart with the same storage, back-fills from the last message seen and repeats nothing", async () => {
    const storage = memoryStorage();
    const first = setup({ storage });
    await first.watcher.ready;
    const now = Date.now();
    await first.node.pushFilter("before restart", now - 4_000);
    first.watcher.stop();
    await until(() => first.received.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 20));

    const second = setup({ storage });
    second.node.stored.push(
      { payload: new TextEncoder().encode("before restart"), timestamp: now - 4_000 },
      { payload: new TextEncoder().encode("while closed"), timestamp: now - 2_000 },
    );
    await second.watcher.ready;
    await until(() => second.received.length === 1);
    expect(texts(second.received)).toEqual(["while closed"]);
    expect(second.watcher.getSync().lastBackfill?.reason).toBe("app-start");
    second.watcher.stop();
  });

  it("reports the start of a gap only late-starting stores answered, and fills it from a store that appears later", async () => {
    const node = fakeNode(() => ["A", "B", "S"]);
    const manager = fakeManager(connectedState());
    const received: ReceivedMessage[] = [];
    const watcher = watchMessages(
      { node, manager },
      { contentTopic: TOPIC, onMessage: (m) => received.push(m), storage: false, backfill: { settleMs: 0 } },
    );
    await watcher.ready;
    const now = Date.now();
    await node.pushFilter("before", now - 20_000);
    const before = { payload: new TextEncoder().encode("before"), timestamp: now - 20_000 };
    const early = { payload: new TextEncoder().encode("early in the gap"), timestamp: now - 15_000 };
    const late = { payload: new TextEncoder().encode("after the restarts"), timestamp: now - 2_000 };
    // A and B restarted during the gap: their stores begin after it did. S stayed up.
    node.storeOf = (peerId) => (peerId === "S" ? [before, early, late] : [late]);
    const { peers } = manager.store.getState();
    manager.set({ status: "reconnecting", peers: {} });
    manager.set({ ...connectedState({ A: { ...peers.A!, connectedSince: now }, B: { ...peers.B!, connectedSince: now } }) });
    await until(() => watcher.getSync().status === "gap");
    expect(watcher.getSync().unfilled[0]).toMatchObject({ reason: "no store peer reached covers the start of the gap" });
    expect(texts(received)).toEqual(["before", "after the restarts"]);

    manager.set({ ...connectedState({ ...manager.store.getState().peers, S: peer("S", ["store"], now) }) });
    await until(() => watcher.getSync().status === "live");
    expect(texts(received)).toEqual(["before", "after the restarts", "early in the gap"]);
    watcher.stop();
  });

  it("asks again later for a range every store failed on, and fills it once a store answers", async () => {
    const { node, manager, received, watcher } = setup();
    await watcher.ready;
    await node.pushFilter("seen", Date.now() - 3_000);
    node.stored.push({ payload: new TextEncoder().encode("lost while stores failed"), timestamp: Date.now() - 1_000 });
    node.storeFails.add("A").add("B");
    manager.set({ status: "reconnecting" });
    manager.set({ status: "connected" });
    await until(() => watcher.getSync().status === "gap");
    expect(watcher.getSync().unfilled[0]?.reason).toMatch(/store error/);
    node.storeFails.clear();
    await until(() => watcher.getSync().status === "live", 5_000);
    expect(texts(received)).toEqual(["seen", "lost while stores failed"]);
    expect(watcher.getSync().lastBackfill?.reason).toBe("retry");
    watcher.stop();
  });

  it("refuses options without exactly one topic or decoder", () => {
    const node = fakeNode();
    const manager = fakeManager();
    expect(() => watchMessages({ node, manager }, { onMessage: () => {} })).toThrow(WakuPeersError);
    expect(() => watchMessages({ node, manager }, { contentTopic: TOPIC } as never)).toThrow(/onMessage/);
  });
});
