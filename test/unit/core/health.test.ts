import { describe, expect, it } from "vitest";

import { DEFAULT_REQUIREMENTS } from "../../../src/core/index.js";
import { computeHealth, NO_PEERS } from "../../../src/core/internal.js";
import type { PeerCounts } from "../../../src/core/internal.js";

const counts = (partial: Partial<PeerCounts>): PeerCounts => ({ ...NO_PEERS, ...partial });

describe("health", () => {
  it("is healthy when every requirement is met", () => {
    const health = computeHealth(counts({ lightPush: 2, filter: 2, store: 1, servicePeers: 2 }), DEFAULT_REQUIREMENTS);
    expect(health.overall).toBe("healthy");
    expect(health.store).toEqual({ connected: 1, required: 1, ok: true });
  });

  it("classifies 1 filter + 2 light push (which the SDK cannot) as degraded, with filter not ok", () => {
    const health = computeHealth(counts({ lightPush: 2, filter: 1, servicePeers: 2 }), DEFAULT_REQUIREMENTS);
    expect(health.overall).toBe("degraded");
    expect(health.filter).toEqual({ connected: 1, required: 2, ok: false });
    expect(health.lightPush.ok).toBe(true);
    expect(health.store.ok).toBe(false);
  });

  it("is unhealthy with no service peer at all", () => {
    expect(computeHealth(NO_PEERS, DEFAULT_REQUIREMENTS).overall).toBe("unhealthy");
  });

  it("counts a missing store peer against health even when filter and light push are fine", () => {
    const health = computeHealth(counts({ lightPush: 3, filter: 3, servicePeers: 3 }), DEFAULT_REQUIREMENTS);
    expect(health.overall).toBe("degraded");
    expect(health.store.ok).toBe(false);
  });

  it("treats peer exchange as counted but not required by default", () => {
    const health = computeHealth(counts({ lightPush: 2, filter: 2, store: 1, servicePeers: 2 }), DEFAULT_REQUIREMENTS);
    expect(health.peerExchange).toEqual({ connected: 0, required: 0, ok: true });
  });

  it("still needs one service peer to be healthy when nothing is required", () => {
    const none = { lightPush: 0, filter: 0, store: 0, peerExchange: 0 };
    expect(computeHealth(NO_PEERS, none).overall).toBe("unhealthy");
    expect(computeHealth(counts({ peerExchange: 1, servicePeers: 1 }), none).overall).toBe("healthy");
  });

  it("returns the previous object when the counts did not change", () => {
    const input = counts({ lightPush: 1, filter: 1, servicePeers: 1 });
    const first = computeHealth(input, DEFAULT_REQUIREMENTS);
    expect(computeHealth({ ...input }, DEFAULT_REQUIREMENTS, first)).toBe(first);
  });

  it("keeps the identity of protocols whose counts did not change", () => {
    const first = computeHealth(counts({ lightPush: 1, filter: 1, servicePeers: 1 }), DEFAULT_REQUIREMENTS);
    const second = computeHealth(counts({ lightPush: 2, filter: 1, servicePeers: 2 }), DEFAULT_REQUIREMENTS, first);
    expect(second).not.toBe(first);
    expect(second.filter).toBe(first.filter);
    expect(second.lightPush).not.toBe(first.lightPush);
    expect(second.lightPush.connected).toBe(2);
  });
});
