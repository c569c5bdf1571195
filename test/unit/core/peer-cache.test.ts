import { beforeEach, describe, expect, it, vi } from "vitest";

import type { CachedPeer } from "../../../src/core/cache/peer-cache.js";
import {
  defaultPeerCacheStorage,
  isValidAddress,
  isValidPeerId,
  loadPeerCache,
  MAX_CACHED_DIAL_FAILURES,
  mergeCachedPeers,
  savePeerCache,
} from "../../../src/core/cache/peer-cache.js";
import type { CreatePeerManagerOptions, PeerCacheStorage } from "../../../src/core/index.js";
import { DEFAULT_OPTIONS, manualEnvironment } from "../../../src/core/index.js";
import { parseMultiaddr } from "../../../src/core/sdk/multiaddr.js";
import type { FakeNode } from "../_harness.js";
import { createFakeNode, managerHarness, memoryStorage, settle } from "../_harness.js";

const DEFAULT_PEER_CACHE_KEY = DEFAULT_OPTIONS.peerCache!.key;

// Real peer ids (generated once): Waku nodes use secp256k1 keys (16Uiu2…), js-libp2p Ed25519 (12D3KooW…).
const ED = "12D3KooWBXetHuM4fukee9bXDDqCdpDdRBF9tGayFYv3nmS3Voe1";
const P1 = "16Uiu2HAmNiZiXwoSnMSDT2VvyLHFUUy6pmgKpaTLk2PhGAkZxYem";
const P2 = "16Uiu2HAkywjpmHkDkNYrQuwCwmS5H3DB8tTrB7VhRYgug6F4mLQY";
const P3 = "16Uiu2HAkyrY6FZkwMRAMJCs8uDMg372u7T4m8qe3Hk72EpC928oB";
const BOOT = "16Uiu2HAmDCvCnYLehf1b4Xzfo3Xbivng26uXKUmrTVyRvLszFhin";
const FULL = ["lightPush", "filter", "store"] as const;
const NOW = 1_800_000_000_000;
const addr = (id: string, port = 60_000) => `/ip4/127.0.0.1/tcp/${port}/ws/p2p/${id}`;
const limits = { maxPeers: 20, maxAgeMs: 7 * 24 * 3_600_000, now: NOW, parseMultiaddr };

const entry = (id: string, patch: Partial<CachedPeer> = {}): CachedPeer => ({
  id,
  addrs: [addr(id)],
  lastSeen: NOW - 1_000,
  score: 100,
  ...patch,
});
const stored = (peers: unknown[], v: unknown = 1) => JSON.stringify({ v, peers });

describe("peer cache format", () => {
  it("round-trips valid entries, newest first, bounded", () => {
    const storage = memoryStorage();
    expect(
      savePeerCache(storage, DEFAULT_PEER_CACHE_KEY, [
        entry(P1, { lastSeen: NOW - 5_000 }),
        entry(P2, { lastSeen: NOW - 1 }),
        entry(ED),
      ]),
    ).toBeUndefined();
    expect(loadPeerCache(storage, DEFAULT_PEER_CACHE_KEY, limits).map((peer) => peer.id)).toEqual([P2, ED, P1]);
    expect(loadPeerCache(storage, DEFAULT_PEER_CACHE_KEY, { ...limits, maxPeers: 2 })).toHaveLength(2);
  });

  it("recognises real peer ids and refuses look-alikes", () => {
    for (const id of [ED, P1, P2]) expect(isValidPeerId(id)).toBe(true);
    for (const id of [
      "",
      "16Uiu2HA",
      `${P1}x`,
      P1.slice(0, -1),
      P1.replace("m", "0"),
      `Qm${"l".repeat(44)}`,
      42,
      null,
      { toString: () => P1 },
    ]) {
      expect(isValidPeerId(id)).toBe(false);
    }
  });

  it("accepts only sane multiaddrs that name the peer", () => {
    expect(isValidAddress(addr(P1), P1, parseMultiaddr)).toBe(true);
    expect(isValidAddress(`/dns4/node.example/tcp/443/wss/p2p/${P1}`, P1, parseMultiaddr)).toBe(true);
    for (const bad of [
      addr(P2), // another peer's address
      `/ip4/127.0.0.1/tcp/1/ws`, // names no peer
      `/ip4/1.2.3.4/tcp/1/ws/p2p/${P2}/p2p-circuit/p2p/${P1}`, // relayed
      `/ip4/127.0.0.1/tcp/1/ws/${"x".repeat(400)}/p2p/${P1}`,
      `/ip4/127.0.0.1/tcp/1/ws /p2p/${P1}`,
      `/ip4/999.0.0.1/tcp/1/ws/p2p/${P1}`, // multiaddr refuses it
      `/nonsense/p2p/${P1}`,
      `http://127.0.0.1/p2p/${P1}`,
      42,
    ]) {
      expect(isValidAddress(bad, P1, parseMultiaddr), String(bad)).toBe(false);
    }
  });

  it("ignores anything that is not a v1 cache, whole, without throwing", () => {
    for (const raw of [
      "",
      "{",
      "null",
      "[]",
      "42",
      '"text"',
      stored([entry(P1)], 2),
      stored([entry(P1)], "1"),
      JSON.stringify({ v: 1, peers: {} }),
      "x".repeat(100_000),
    ]) {
      expect(loadPeerCache(memoryStorage(raw), DEFAULT_PEER_CACHE_KEY, limits), raw.slice(0, 20)).toEqual([]);
    }
    const throwing: PeerCacheStorage = {
      getItem: () => {
        throw new Error("SecurityError");
      },
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
    };
    expect(loadPeerCache(throwing, DEFAULT_PEER_CACHE_KEY, limits)).toEqual([]);
    expect(loadPeerCache(undefined, DEFAULT_PEER_CACHE_KEY, limits)).toEqual([]);
    expect(savePeerCache(throwing, DEFAULT_PEER_CACHE_KEY, [])).toBe("QuotaExceededError");
  });

  it("skips each corrupted or hostile entry and keeps the valid ones", () => {
    const raw = stored([
      null,
      7,
      [P1],
      { id: P1 },
      { id: "not-an-id", addrs: [addr("not-an-id")], lastSeen: NOW, score: 100 },
      { id: P1, addrs: [addr(P2)], lastSeen: NOW, score: 100 },
      { id: P1, addrs: "nope", lastSeen: NOW, score: 100 },
      { id: P1, addrs: [addr(P1)], lastSeen: -5, score: 100 },
      { id: P1, addrs: [addr(P1)], lastSeen: NOW + 3 * 24 * 3_600_000, score: 100 },
      { id: P1, addrs: [addr(P1)], lastSeen: NOW - 8 * 24 * 3_600_000, score: 100 },
      { id: P1, addrs: [addr(P1)], lastSeen: "yesterday", score: 100 },
      { id: P1, addrs: [addr(P1)], lastSeen: NOW, score: Number.POSITIVE_INFINITY },
      { id: P1, addrs: [addr(P1)], lastSeen: NOW, score: "100" },
      entry(P2),
      { ...entry(P2), lastSeen: NOW - 10 }, // a duplicate id keeps the first
      { ...entry(P3), score: 250, addrs: [addr(P3), `/bad/p2p/${P3}`, addr(P3, 1), addr(P3, 2), addr(P3, 3), addr(P3, 4)] },
    ]).replace('"peers":[', `"peers":[{"__proto__":{"polluted":true},"id":"${P1}"},`);
    const peers = loadPeerCache(memoryStorage(raw), DEFAULT_PEER_CACHE_KEY, limits);
    expect(peers.map((peer) => peer.id)).toEqual([P2, P3]);
    expect(peers[1]).toMatchObject({ score: 100, addrs: [addr(P3), addr(P3, 1), addr(P3, 2)] });
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it("scans a bounded number of entries, however many are stored", () => {
    const many = Array.from({ length: 5_000 }, () => ({ id: "x" }));
    const raw = stored([...many, entry(P1)]);
    expect(raw.length).toBeLessThan(64 * 1_024);
    expect(loadPeerCache(memoryStorage(raw), DEFAULT_PEER_CACHE_KEY, limits)).toEqual([]);
  });

  it("clamps a timestamp from the future to now, and refuses one beyond the clock skew", () => {
    const raw = stored([entry(P1, { lastSeen: NOW + 23 * 3_600_000 }), entry(P2, { lastSeen: NOW + 25 * 3_600_000 })]);
    expect(loadPeerCache(memoryStorage(raw), DEFAULT_PEER_CACHE_KEY, limits)).toEqual([entry(P1, { lastSeen: NOW })]);
  });

  it("keeps a failure count below the bound and drops a forged one", () => {
    const raw = stored([
      entry(P1, { failures: 1 }),
      entry(P2, { failures: MAX_CACHED_DIAL_FAILURES }),
      { ...entry(P3), failures: -1 },
      { ...entry(ED), failures: "0" },
    ]);
    expect(loadPeerCache(memoryStorage(raw), DEFAULT_PEER_CACHE_KEY, limits)).toEqual([entry(P1, { failures: 1 })]);
  });

  it("saves no more than it would read back: the oldest entries are left out", () => {
    const storage = memoryStorage();
    const long = (port: number) => `/dns4/${"n".repeat(200)}.example/tcp/${port}/wss/p2p/${P1}`;
    const peers = Array.from({ length: 400 }, (_, index) => entry(P1, { addrs: [long(index)], lastSeen: NOW - index }));
    expect(savePeerCache(storage, DEFAULT_PEER_CACHE_KEY, peers)).toBeUndefined();
    const raw = storage.items.get(DEFAULT_PEER_CACHE_KEY)!;
    expect(raw.length).toBeLessThanOrEqual(64 * 1_024);
    const saved = JSON.parse(raw) as { peers: CachedPeer[] };
    expect(saved.peers.length).toBeGreaterThan(100);
    expect(saved.peers).toEqual(peers.slice(0, saved.peers.length));
  });

  it("merges current peers over remembered ones, drops excluded and aged ones", () => {
    const merged = mergeCachedPeers(
      [entry(P1, { lastSeen: NOW - 10 }), entry(P2, { lastSeen: NOW - 8 * 24 * 3_600_000 }), entry(P3, { lastSeen: NOW - 5 })],
      [entry(P3, { lastSeen: NOW, addrs: [addr(P3, 7)] })],
      (id) => id === P1,
      limits,
    );
    expect(merged).toEqual([entry(P3, { lastSeen: NOW, addrs: [addr(P3, 7)] })]);
  });
});

describe("peer cache in the manager", () => {
  const harness = managerHarness();
  beforeEach(() => {
    vi.setSystemTime(NOW);
  });

  function start(fake: FakeNode, storage: PeerCacheStorage, options: CreatePeerManagerOptions = {}) {
    return harness.start(fake, {
      environment: manualEnvironment(),
      liveness: false,
      random: () => 0.999999,
      peerCache: { storage },
      bootstrapPeers: [addr(BOOT, 1)],
      ...options,
    });
  }

  it("remembers connected non-bootstrap service peers, debounced, and only when the set changes", async () => {
    const storage = memoryStorage();
    const fake = createFakeNode();
    fake.connectPeer(BOOT, { protocols: [...FULL], tags: ["bootstrap"], address: addr(BOOT, 1) });
    fake.connectPeer(P1, { protocols: [...FULL], address: addr(P1, 2) });
    fake.connectPeer(P2, { protocols: ["store"], address: "/ip4/127.0.0.1/tcp/3/ws" });
    fake.connectPeer(P3, { protocols: [], address: addr(P3, 4) });
    await start(fake, storage);
    expect(storage.writes).toBe(0);
    await vi.advanceTimersByTimeAsync(2_000);
    const saved = JSON.parse(storage.items.get(DEFAULT_PEER_CACHE_KEY)!) as { v: number; peers: CachedPeer[] };
    expect(saved.v).toBe(1);
    expect(saved.peers.map((peer) => [peer.id, peer.addrs])).toEqual([
      [P1, [addr(P1, 2)]],
      [P2, [`/ip4/127.0.0.1/tcp/3/ws/p2p/${P2}`]],
    ]);
    fake.updatePeer(P1, { tags: ["peer-exchange"] });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(storage.writes).toBe(1);
  });

  it("dials remembered peers first, at once, and tags them peer-cache", async () => {
    const storage = memoryStorage(stored([entry(P1), entry(P2)]));
    const fake = createFakeNode();
    fake.knowPeer(BOOT, { protocols: [...FULL], tags: ["bootstrap"] });
    fake.scriptDial(P1, "ok");
    fake.scriptDial(P2, "ok");
    const manager = await start(fake, storage);
    expect([...fake.dials].sort()).toEqual([P1, P2].sort());
    fake.identifyPeer(P1, [...FULL]);
    fake.identifyPeer(P2, [...FULL]);
    await settle();
    const state = manager.store.getState();
    expect(state.status).toBe("connected");
    expect(state.peers[P1]?.tags).toContain("peer-cache");
  });

  it("starts normally from a garbage cache: no throw, no dial, and a valid cache written over it", async () => {
    const storage = memoryStorage("\u0000{garbage");
    const fake = createFakeNode();
    fake.connectPeer(P1, { protocols: [...FULL], address: addr(P1) });
    await start(fake, storage);
    expect(fake.dials).toEqual([]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(JSON.parse(storage.items.get(DEFAULT_PEER_CACHE_KEY)!).peers[0].id).toBe(P1);
  });

  it("reports a storage that refuses writes as lastError, without throwing", async () => {
    const fake = createFakeNode();
    fake.connectPeer(P1, { protocols: [...FULL], address: addr(P1) });
    const storage: PeerCacheStorage = {
      getItem: () => null,
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
    };
    const manager = await start(fake, storage);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(manager.store.getState().lastError).toEqual({
      code: "STORAGE_FAILED",
      message: "peer cache not saved: QuotaExceededError",
    });
  });

  it("forgets a replaced peer at once", async () => {
    const storage = memoryStorage();
    const fake = createFakeNode();
    fake.connectPeer(P1, { protocols: [...FULL], address: addr(P1) });
    fake.connectPeer(P2, { protocols: [...FULL], address: addr(P2) });
    const manager = await start(fake, storage);
    await vi.advanceTimersByTimeAsync(2_000);
    for (let i = 0; i < 3; i++) manager.reportFailure(P1, "lightPush", "rejected");
    await settle();
    const saved = JSON.parse(storage.items.get(DEFAULT_PEER_CACHE_KEY)!) as { peers: CachedPeer[] };
    expect(saved.peers.map((peer) => peer.id)).toEqual([P2]);
  });

  it("saves the real peers over an entry dated in the future", async () => {
    const storage = memoryStorage(stored([entry(P1, { lastSeen: NOW + 23 * 3_600_000 })]));
    const fake = createFakeNode();
    fake.scriptDial(P1, "fail");
    fake.connectPeer(P2, { protocols: [...FULL], address: addr(P2) });
    await start(fake, storage, { peerCache: { storage, maxPeers: 1 } });
    await vi.advanceTimersByTimeAsync(2_000);
    const saved = JSON.parse(storage.items.get(DEFAULT_PEER_CACHE_KEY)!) as { peers: CachedPeer[] };
    expect(saved.peers.map((peer) => peer.id)).toEqual([P2]);
  });

  it("counts a failed dial while others serve, and forgets the peer at the bound", async () => {
    const storage = memoryStorage(stored([entry(P1)]));
    const session = async () => {
      const fake = createFakeNode();
      fake.scriptDial(P1, "fail");
      fake.connectPeer(P2, { protocols: [...FULL], address: addr(P2) });
      const manager = await start(fake, storage);
      await vi.advanceTimersByTimeAsync(2_000);
      expect(fake.dials).toContain(P1);
      manager.stop();
      return (JSON.parse(storage.items.get(DEFAULT_PEER_CACHE_KEY)!) as { peers: CachedPeer[] }).peers;
    };
    expect((await session()).map((peer) => [peer.id, peer.failures])).toEqual([
      [P2, undefined],
      [P1, 1],
    ]);
    expect((await session()).map((peer) => peer.id)).toEqual([P2]);
  });

  it("counts no failure when nobody serves (offline)", async () => {
    const storage = memoryStorage(stored([entry(P1)]));
    const fake = createFakeNode();
    fake.scriptDial(P1, "fail");
    const manager = await start(fake, storage);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(fake.dials).toContain(P1);
    manager.stop();
    expect(loadPeerCache(storage, DEFAULT_PEER_CACHE_KEY, limits).map((peer) => [peer.id, peer.failures])).toEqual([
      [P1, undefined],
    ]);
  });

  it("forgets at once, and logs, a cached address that answers as another peer", async () => {
    const storage = memoryStorage(stored([entry(P1), entry(P2)]));
    const fake = createFakeNode();
    fake.knowPeer(P3, { protocols: [...FULL] });
    fake.scriptDial(P1, "ok");
    fake.libp2p.answerAs(P1, P3);
    fake.scriptDial(P2, "ok");
    const manager = await start(fake, storage);
    await settle();
    const state = manager.store.getState();
    expect(state.peers[P1]).toBeUndefined();
    expect(
      state.events.some(
        (event) => event.type === "peer:dial-failed" && event.peerId === P1 && event.detail?.includes(`answered as ${P3}`),
      ),
    ).toBe(true);
    expect(loadPeerCache(storage, DEFAULT_PEER_CACHE_KEY, limits).map((peer) => peer.id)).toEqual([P2]);
  });

  it("writes a pending save on stop()", async () => {
    const storage = memoryStorage();
    const fake = createFakeNode();
    fake.connectPeer(P1, { protocols: [...FULL], address: addr(P1) });
    const manager = await start(fake, storage);
    manager.stop();
    expect(JSON.parse(storage.items.get(DEFAULT_PEER_CACHE_KEY)!).peers[0].id).toBe(P1);
  });

  it("can be turned off", async () => {
    const storage = memoryStorage(stored([entry(P1)]));
    const fake = createFakeNode();
    fake.connectPeer(P2, { protocols: [...FULL], address: addr(P2) });
    await start(fake, storage, { peerCache: false });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(storage.writes).toBe(0);
    expect(fake.dials).not.toContain(P1);
  });
});

describe("the default storage", () => {
  it("is localStorage where it can be read, and nothing in Node or where access is denied", () => {
    // This file runs in happy-dom, which has one.
    expect(defaultPeerCacheStorage()).toBe(globalThis.localStorage);
    const original = Object.getOwnPropertyDescriptor(globalThis, "localStorage");
    Object.defineProperty(globalThis, "localStorage", {
      configurable: true,
      get: () => {
        throw new Error("SecurityError");
      },
    });
    try {
      expect(defaultPeerCacheStorage()).toBeUndefined();
    } finally {
      if (original) Object.defineProperty(globalThis, "localStorage", original);
    }
  });
});
