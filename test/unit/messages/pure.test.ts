// @vitest-environment node
import { describe, expect, it } from "vitest";

import { lossSignals, mergeMessages, rankStorePeers, storeWindows, MAX_STORE_WINDOW_MS } from "../../../src/core/internal.js";
import type { ReceivedMessage } from "../../../src/core/index.js";
import { connectedState, fakeManager, peer } from "./_fakes.js";

const HOUR = 3_600_000;

describe("storeWindows", () => {
  it("chunks a range into ≤ 24 h windows, the remainder included (the SDK drops it)", () => {
    expect(storeWindows({ from: 0, to: 30 * HOUR })).toEqual([
      { from: 0, to: 24 * HOUR },
      { from: 24 * HOUR, to: 30 * HOUR },
    ]);
    expect(storeWindows({ from: 0, to: 72 * HOUR })).toHaveLength(3);
    expect(storeWindows({ from: 5, to: 5 + MAX_STORE_WINDOW_MS })).toEqual([{ from: 5, to: 5 + MAX_STORE_WINDOW_MS }]);
    expect(storeWindows({ from: 10, to: 10 })).toEqual([]);
    expect(storeWindows({ from: 10, to: 0 })).toEqual([]);
  });
});

describe("rankStorePeers", () => {
  it("puts peers connected through the gap first, then the ones up the longest; never a disconnected or non-store peer", () => {
    const peers = {
      restarted: peer("restarted", ["store", "filter"], 5_000),
      survivor: peer("survivor", ["store"], 100),
      older: peer("older", ["store"], 50),
      filterOnly: peer("filterOnly", ["filter"], 10),
      gone: { ...peer("gone", ["store"], 1), connected: false },
    };
    expect(rankStorePeers(peers, 1_000)).toEqual(["older", "survivor", "restarted"]);
    expect(rankStorePeers(peers, 20)).toEqual(["older", "survivor", "restarted"]);
  });
});

describe("lossSignals", () => {
  const manager = fakeManager(connectedState());
  const live = manager.store.getState();

  it("names every event after which messages may be missing", () => {
    const away = { ...live, status: "reconnecting" as const, firstConnectedAt: 1 };
    expect(lossSignals(away, live)).toEqual(["reconnected"]);
    // The first connection of a run is not a recovery.
    expect(lossSignals({ ...live, status: "degraded", firstConnectedAt: undefined }, live)).toEqual([]);
    expect(lossSignals({ ...live, lost: "lost" }, { ...live, lost: "restored" })).toEqual(["restored"]);
    const withoutA = { ...live, peers: { B: live.peers.B! } };
    expect(lossSignals(live, withoutA)).toEqual(["filter-peer-lost"]);
    const hint = { at: 1, type: "hint" as const, detail: "resume" };
    expect(lossSignals(live, { ...live, events: [...live.events, hint] })).toEqual(["resumed"]);
  });

  it("stays quiet for changes that cost nothing", () => {
    expect(lossSignals(live, { ...live })).toEqual([]);
    expect(lossSignals(live, { ...live, events: [{ at: 1, type: "hint", detail: "hidden" }] })).toEqual([]);
    const storeOnlyGone = { ...live, peers: { ...live.peers, S: peer("S", ["store"]) } };
    expect(lossSignals(storeOnlyGone, live)).toEqual([]);
  });
});

describe("mergeMessages", () => {
  const message = (hash: string, timestamp: number, sequence: number) =>
    ({ hash, timestamp, sequence, source: "filter", message: {} }) as ReceivedMessage;

  it("places a back-filled message where it belongs and drops duplicates", () => {
    const list = [message("a", 10, 1), message("c", 30, 2)];
    expect(mergeMessages(list, [message("b", 20, 3), message("a", 10, 4)], 10).map((m) => m.hash)).toEqual(["a", "b", "c"]);
  });

  it("over the limit, evicts what arrived first — never the fresh back-filled messages", () => {
    const list = [message("new1", 100, 1), message("new2", 110, 2), message("new3", 120, 3)];
    const backfilled = [message("old1", 10, 4), message("old2", 20, 5)];
    expect(mergeMessages(list, backfilled, 3).map((m) => m.hash)).toEqual(["old1", "old2", "new3"]);
  });
});
