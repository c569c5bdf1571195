// @vitest-environment node
import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";

import { indexedDbStorage, memoryStorage, webStorage, type WebStorageLike } from "../../../src/core/index.js";
import { loadTopicMemory, topicMemoryKey } from "../../../src/messages/topic-memory.js";

function fakeLocalStorage(): WebStorageLike & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    get length() {
      return items.size;
    },
    key: (index) => [...items.keys()][index] ?? null,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

describe("message storage backends", () => {
  it.each([
    ["indexeddb", () => indexedDbStorage()],
    ["localstorage", () => webStorage(fakeLocalStorage())],
    ["memory", () => memoryStorage()],
  ])("%s: set, get, entries by prefix and delete", async (_name, create) => {
    const storage = create();
    await storage.set("a:1", { n: 1 });
    await storage.set("a:2", { n: 2 });
    await storage.set("b:1", { n: 3 });
    expect(await storage.get("a:1")).toEqual({ n: 1 });
    expect((await storage.entries("a:")).sort()).toEqual([
      ["a:1", { n: 1 }],
      ["a:2", { n: 2 }],
    ]);
    await storage.delete("a:1");
    expect(await storage.get("a:1")).toBeUndefined();
  });

  it("localStorage text that is not JSON reads as missing, never throws", async () => {
    const local = fakeLocalStorage();
    local.setItem("a:broken", "{not json");
    const storage = webStorage(local);
    expect(await storage.get("a:broken")).toBeUndefined();
    expect(await storage.entries("a:")).toEqual([]);
  });

  it("a topic's remembered state is validated: garbage means nothing remembered", async () => {
    const storage = memoryStorage();
    const key = topicMemoryKey("/waku/2/rs/42/0", "/t/1/x/proto");
    for (const garbage of [
      42,
      "x",
      { v: 2 },
      { v: 1, lastSeenAt: -5, recentHashes: [] },
      { v: 1, lastSeenAt: 10, recentHashes: "no" },
    ]) {
      await storage.set(key, garbage);
      expect(await loadTopicMemory(storage, key)).toEqual({ lastSeenAt: undefined, recentHashes: [] });
    }
    await storage.set(key, { v: 1, lastSeenAt: 1_700_000_000_000, recentHashes: ["ab".repeat(32), "not a hash"] });
    expect(await loadTopicMemory(storage, key)).toEqual({ lastSeenAt: 1_700_000_000_000, recentHashes: ["ab".repeat(32)] });
  });
});
