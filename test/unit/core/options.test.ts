import { describe, expect, it } from "vitest";

import type { Requirements } from "../../../src/core/index.js";
import { createPeerManager, DEFAULT_REQUIREMENTS, WakuPeersError } from "../../../src/core/index.js";
import { parseOptions, resolveRequirements } from "../../../src/core/internal.js";
import { createFakeNode, thrownBy } from "../_harness.js";

describe("requirements", () => {
  it("default to 2 light push, 2 filter, 1 store and no peer exchange", () => {
    expect(resolveRequirements(undefined)).toEqual({ lightPush: 2, filter: 2, store: 1, peerExchange: 0 });
    expect(DEFAULT_REQUIREMENTS).toEqual({ lightPush: 2, filter: 2, store: 1, peerExchange: 0 });
  });

  it("merge the app's values over the defaults", () => {
    expect(resolveRequirements({ filter: 1, peerExchange: 1 })).toEqual({
      lightPush: 2,
      filter: 1,
      store: 1,
      peerExchange: 1,
    });
  });

  it("refuse a negative count with a typed error naming the protocol", () => {
    const error = thrownBy(() => resolveRequirements({ filter: -1 }));
    expect(error.code).toBe("INVALID_REQUIREMENTS");
    expect(error.message).toContain("filter must be a non-negative integer, got -1");
  });

  it("refuse fractions, NaN and strings", () => {
    for (const bad of [1.5, Number.NaN, "2", Infinity]) {
      expect(thrownBy(() => resolveRequirements({ store: bad as number })).code).toBe("INVALID_REQUIREMENTS");
    }
  });

  it("refuse an unknown protocol key, which is almost always a typo", () => {
    const error = thrownBy(() => resolveRequirements({ lightpush: 2 } as Partial<Requirements>));
    expect(error.message).toContain('unknown protocol "lightpush"');
  });

  it("report every problem at once", () => {
    const error = thrownBy(() => resolveRequirements({ filter: -1, store: 0.5, relay: 1 } as Partial<Requirements>));
    expect(error.issues).toHaveLength(3);
  });

  it("refuse a non-object", () => {
    expect(thrownBy(() => resolveRequirements(3 as unknown as Requirements)).code).toBe("INVALID_REQUIREMENTS");
  });
});

describe("manager options", () => {
  it("refuse bad numbers with INVALID_OPTIONS", () => {
    const error = thrownBy(() => parseOptions({ maxEvents: -1, reconnectTimeoutMs: Number.NaN, dialConcurrency: 0 }));
    expect(error.code).toBe("INVALID_OPTIONS");
    expect(error.issues).toHaveLength(3);
  });

  it("are checked by createPeerManager before it touches the node", () => {
    const fake = createFakeNode();
    const error = thrownBy(() => createPeerManager(fake.node, { requirements: { filter: -2 } }));
    expect(error).toBeInstanceOf(WakuPeersError);
    expect(error.code).toBe("INVALID_REQUIREMENTS");
    expect(fake.listenerCount()).toBe(0);
  });

  it("refuse something that is not a Waku node", () => {
    expect(thrownBy(() => createPeerManager({} as never)).code).toBe("INVALID_NODE");
    expect(thrownBy(() => createPeerManager(undefined as never)).code).toBe("INVALID_NODE");
  });
});

describe("detection, recovery and policy options", () => {
  it("ship defaults that meet the issue's goals", () => {
    const resolved = parseOptions({ peerCache: { storage: { getItem: () => null, setItem: () => {} } } });
    expect(resolved.liveness).toEqual({
      intervalMs: 500,
      timeoutMs: 5_000,
      minTimeoutMs: 800,
      rttPercentile: 0.9,
      rttFactor: 3,
      stallMs: 250,
    });
    // A frozen loopback peer (round trips of a few ms: the floor applies) is out within interval + floor < 1.5 s.
    expect(resolved.liveness!.intervalMs + resolved.liveness!.minTimeoutMs).toBeLessThan(1_500);
    expect(resolved.recovery).toMatchObject({
      maxDialsPerTick: 4,
      dialTimeoutMs: 5_000,
      startupDelayMs: 2_000,
      giveUpAfterMs: undefined,
    });
    expect(resolved.recovery!.backoff).toEqual({
      fastTiersMs: [0, 250, 500, 1_000],
      fastPhaseMs: 60_000,
      slowTiersMs: [2_000, 5_000, 10_000, 20_000, 30_000],
      jitter: 0.3,
    });
    // A restarted spare is re-dialed within about a second for the first minute it is missing.
    expect(resolved.recovery!.redundancy).toEqual({
      extraPeers: 1,
      maxDialsPerRound: 2,
      backoff: { fastTiersMs: [1_000], fastPhaseMs: 60_000, slowTiersMs: [5_000, 15_000, 30_000, 60_000], jitter: 0.3 },
    });
    expect(resolved.peerPolicy).toEqual({ maxBootstrapServicePeers: 1, replaceBelowScore: 50, quarantineMs: 120_000 });
    expect(resolved.peerCache).toMatchObject({ key: "waku-peers:peer-cache:v1", maxPeers: 20 });
    expect(resolved.filterCanary).toEqual({ intervalMs: 30_000, firstDelayMs: 5_000, timeoutMs: 3_000 });
    expect(resolved.bootstrapPeers).toEqual([]);
  });

  it("turn features off with false", () => {
    const resolved = parseOptions({ liveness: false, recovery: false, peerCache: false, filterCanary: false });
    expect([resolved.liveness, resolved.recovery, resolved.peerCache, resolved.filterCanary]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(parseOptions({ recovery: { redundancy: false } }).recovery?.redundancy).toBeUndefined();
  });

  it("refuse bad values, naming every one", () => {
    const error = thrownBy(() =>
      parseOptions({
        liveness: { intervalMs: 0, timeoutMs: -1, rttPercentile: 0.2 },
        recovery: { maxDialsPerTick: 0, backoff: { jitter: 2, fastTiersMs: [] }, giveUpAfterMs: Number.NaN },
        peerPolicy: { replaceBelowScore: 101 },
        peerCache: { storage: {} as never, key: "" },
        filterCanary: "yes" as never,
        bootstrapPeers: [42] as never,
        random: 1 as never,
      }),
    );
    expect(error.code).toBe("INVALID_OPTIONS");
    expect(error.issues).toEqual([
      "liveness.intervalMs must be a duration in ms from 1 to 2147483647, got 0",
      "liveness.timeoutMs must be a duration in ms from 1 to 2147483647, got -1",
      "liveness.rttPercentile must be a number from 0.5 to 1, got 0.2",
      "recovery.maxDialsPerTick must be an integer from 1 to 64, got 0",
      "recovery.giveUpAfterMs must be a duration in ms from 0 to 2147483647, got NaN",
      "recovery.backoff.fastTiersMs must be a list of 1 to 32 durations in ms from 0 to 2147483647, got an array",
      "recovery.backoff.jitter must be a number from 0 to 1, got 2",
      "peerPolicy.replaceBelowScore must be a number from 0 to 100, got 101",
      "peerCache.storage must be an object with getItem, setItem, got an object",
      'peerCache.key must be a string of 1 to 200 characters, got ""',
      'filterCanary must be an object or false, got "yes"',
      "bootstrapPeers must be an array of multiaddr strings, got an array",
      "random must be a function, got 1",
    ]);
  });
});
