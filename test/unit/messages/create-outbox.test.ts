// @vitest-environment node
import { describe, expect, it } from "vitest";

import { createOutbox, memoryStorage, WakuPeersError, type DrainLocks } from "../../../src/core/index.js";
import { manualClock } from "../_harness.js";
import { connectedState, fakeManager, fakeNode, peer, until } from "./_fakes.js";

const TOPIC = "/test/1/chat/proto";
const bytes = (text: string) => new TextEncoder().encode(text);
const fast = { initialDelayMs: 5, maxDelayMs: 20, jitter: 0, attemptTimeoutMs: 500 };

describe("createOutbox", () => {
  it("sends the same bytes under the same hash on every retry, each attempt on another peer, and reports failures", async () => {
    const node = fakeNode();
    const manager = fakeManager(connectedState());
    let answers = 0;
    node.pushAnswer = () => (++answers < 3 ? "Remote peer rejected" : "ok");
    const outbox = createOutbox(
      { node, manager },
      { contentTopic: TOPIC, storage: "memory", locks: false, retry: fast, confirm: false },
    );
    const { id, hash } = await outbox.send(bytes("hello"));
    await until(() => outbox.get(id)?.status === "sent");
    expect(node.pushes).toHaveLength(3);
    expect(new Set(node.pushes.map((push) => Buffer.from(push.bytes).toString("hex"))).size).toBe(1);
    expect(node.pushes.map((push) => push.peerId)).toEqual(["A", "B", "A"]);
    expect(outbox.get(id)).toMatchObject({ hash, attempts: 3, sentTo: "A" });
    expect(manager.failures).toHaveLength(2);
    expect(manager.successes).toEqual(["A"]);
    outbox.stop();
  });

  it("attempts nothing while offline or without a light push peer, and drains the moment sending is possible", async () => {
    const node = fakeNode();
    const manager = fakeManager({ ...connectedState(), online: false });
    const outbox = createOutbox(
      { node, manager },
      { contentTopic: TOPIC, storage: "memory", locks: false, retry: fast, confirm: false },
    );
    const canSend: boolean[] = [];
    outbox.onCanSend((value) => canSend.push(value));
    const first = await outbox.send(bytes("one"));
    const second = await outbox.send(bytes("two"));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(node.pushes).toHaveLength(0);
    expect(outbox.getSnapshot()).toMatchObject({ pending: 2, canSend: false });

    manager.set({ online: true, peers: { S: peer("S", ["store"]) } });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(node.pushes).toHaveLength(0);

    manager.set(connectedState());
    await until(() => outbox.get(first.id)?.status === "sent" && outbox.get(second.id)?.status === "sent");
    expect(canSend).toEqual([true]);
    outbox.stop();
  });

  it("survives a reload: queued messages are loaded from storage and sent with the hash they were given", async () => {
    const storage = memoryStorage();
    const offline = fakeManager({ ...connectedState(), online: false });
    const before = createOutbox(
      { node: fakeNode(), manager: offline },
      { contentTopic: TOPIC, storage, locks: false, confirm: false },
    );
    const { id, hash } = await before.send(bytes("kept"));
    before.stop();

    const node = fakeNode();
    const after = createOutbox(
      { node, manager: fakeManager(connectedState()) },
      { contentTopic: TOPIC, storage, locks: false, confirm: false },
    );
    await after.ready;
    await until(() => after.get(id)?.status === "sent");
    expect(after.get(id)?.hash).toBe(hash);
    expect(node.pushes).toHaveLength(1);
    after.stop();
  });

  it("ignores garbage in storage", async () => {
    const storage = memoryStorage();
    await storage.set("waku-peers:outbox:v1:/waku/2/rs/42/0|/test/1/chat/proto:bad", { v: 1, id: "bad", hash: "zz" });
    await storage.set("waku-peers:outbox:v1:/waku/2/rs/42/0|/test/1/chat/proto:worse", "not a record");
    const outbox = createOutbox({ node: fakeNode(), manager: fakeManager() }, { contentTopic: TOPIC, storage, locks: false });
    await outbox.ready;
    expect(outbox.getSnapshot().items).toEqual([]);
    outbox.stop();
  });

  it("refuses bad input and a full outbox with typed errors; an id sent twice is queued once", async () => {
    const manager = fakeManager({ ...connectedState(), online: false });
    const outbox = createOutbox(
      { node: fakeNode(), manager },
      { contentTopic: TOPIC, storage: "memory", locks: false, limits: { maxMessages: 2, maxMessageBytes: 200 } },
    );
    await expect(outbox.send(new Uint8Array())).rejects.toMatchObject({ code: "INVALID_MESSAGE" });
    await expect(outbox.send(new Uint8Array(500))).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    const first = await outbox.send(bytes("a"), { id: "mine" });
    expect(await outbox.send(bytes("a"), { id: "mine" })).toEqual(first);
    await outbox.send(bytes("b"));
    await expect(outbox.send(bytes("c"))).rejects.toBeInstanceOf(WakuPeersError);
    await expect(outbox.send(bytes("c"))).rejects.toMatchObject({ code: "OUTBOX_FULL" });
    expect(outbox.getSnapshot().pending).toBe(2);
    outbox.stop();
  });

  it("marks a sent message confirmed once a store has its hash", async () => {
    const node = fakeNode();
    const manager = fakeManager(connectedState());
    const outbox = createOutbox(
      { node, manager },
      { contentTopic: TOPIC, storage: "memory", locks: false, retry: fast, confirm: { intervalMs: 10 } },
    );
    const { id } = await outbox.send(bytes("confirm me"));
    await until(() => outbox.get(id)?.status === "sent");
    // The fake store answers hash lookups from what it holds.
    node.stored.push({ payload: bytes("confirm me"), timestamp: outbox.get(id)!.createdAt });
    await until(() => outbox.get(id)?.status === "confirmed");
    outbox.stop();
  });

  it("does not let the acceptor witness its own message while another store may come back; a one-store network may", async () => {
    let connected = ["A"];
    const node = fakeNode(() => connected);
    const away = { ...peer("B", ["store"]), connected: false, connectedSince: undefined };
    const manager = fakeManager(connectedState({ A: peer("A", ["lightPush", "filter", "store"]), B: away }));
    // Confirm rounds fired by hand: the test counts them instead of sleeping through some.
    const time = manualClock();
    time.advance(Date.now());
    const outbox = createOutbox(
      { node, manager },
      { contentTopic: TOPIC, storage: "memory", locks: false, retry: fast, confirm: { intervalMs: 5 }, clock: time.clock },
    );
    const { id } = await outbox.send(bytes("held by its acceptor alone"));
    await until(() => outbox.get(id)?.status === "sent");
    const heldByA = [{ payload: bytes("held by its acceptor alone"), timestamp: outbox.get(id)!.createdAt }];
    node.storeOf = (peerId) => (peerId === "A" ? heldByA : []);
    // Ten rounds, each one waiting (nobody to ask) and scheduling the next: none asks A.
    for (let round = 0; round < 10; round++) {
      expect(time.pending()).toBe(1);
      time.advance(5);
      await until(() => time.pending() === 1 || node.storeQueries.length > 0);
      expect(node.storeQueries).toEqual([]);
    }
    expect(outbox.get(id)?.status).toBe("sent");

    // B comes back without it (a relay gap): asked, it is still not confirmed.
    connected = ["A", "B"];
    manager.set(connectedState({ A: peer("A", ["lightPush", "filter", "store"]), B: peer("B", ["store"]) }));
    const roundsUntil = (condition: () => boolean) =>
      until(() => {
        time.advance(5);
        return condition();
      });
    await roundsUntil(() => node.storeQueries.some((query) => query.peerId === "B"));
    expect(outbox.get(id)?.status).toBe("sent");
    // Relayed to B at last: confirmed.
    node.storeOf = () => heldByA;
    await roundsUntil(() => outbox.get(id)?.status === "confirmed");
    expect(new Set(node.storeQueries.map((query) => query.peerId))).toEqual(new Set(["B"]));
    outbox.stop();

    // Where A is the only store the manager has ever known, A's own answer is the best there is.
    const alone = fakeNode(() => ["A"]);
    const single = createOutbox(
      { node: alone, manager: fakeManager(connectedState({ A: peer("A", ["lightPush", "filter", "store"]) })) },
      { contentTopic: TOPIC, storage: "memory", locks: false, retry: fast, confirm: { intervalMs: 5 } },
    );
    const only = await single.send(bytes("one store"));
    await until(() => single.get(only.id)?.status === "sent");
    alone.stored.push({ payload: bytes("one store"), timestamp: single.get(only.id)!.createdAt });
    await until(() => single.get(only.id)?.status === "confirmed");
    single.stop();
  });

  it("after an outage, re-checks what was confirmed just before it and resends what no store has any more", async () => {
    const node = fakeNode();
    const manager = fakeManager(connectedState());
    const outbox = createOutbox(
      { node, manager },
      { contentTopic: TOPIC, storage: "memory", locks: false, retry: fast, confirm: { intervalMs: 10 } },
    );
    const { id } = await outbox.send(bytes("fragile"));
    await until(() => outbox.get(id)?.status === "sent");
    node.stored.push({ payload: bytes("fragile"), timestamp: outbox.get(id)!.createdAt });
    await until(() => outbox.get(id)?.status === "confirmed");
    // Every node goes down, and the stores that had it come back empty.
    manager.set({ online: false });
    node.stored.length = 0;
    manager.set({ online: true });
    await until(() => node.pushes.length === 2);
    expect(new Set(node.pushes.map((push) => Buffer.from(push.bytes).toString("hex"))).size).toBe(1);
    outbox.stop();
  });

  it("only the holder of the lock drains a shared outbox", async () => {
    let release: (() => void) | undefined;
    const held: DrainLocks = {
      request: (_name, _options, callback) =>
        new Promise((resolve) => {
          release = () => void callback().then(resolve);
        }),
    };
    const node = fakeNode();
    const outbox = createOutbox(
      { node, manager: fakeManager(connectedState()) },
      { contentTopic: TOPIC, storage: "memory", locks: held, retry: fast, confirm: false },
    );
    const { id } = await outbox.send(bytes("waiting for the lock"));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(node.pushes).toHaveLength(0);
    expect(outbox.getSnapshot().draining).toBe(false);
    release?.();
    await until(() => outbox.get(id)?.status === "sent");
    outbox.stop();
  });
});
