import { describe, expect, it, vi } from "vitest";

import type { CreatePeerManagerOptions, Environment, WakuPeersError } from "../../../src/core/index.js";
import { DEFAULT_OPTIONS, manualEnvironment } from "../../../src/core/index.js";
import { parseOptions } from "../../../src/core/internal.js";
import { createFakeNode, FULL, managerHarness, settle, thrownBy } from "../_harness.js";

const harness = managerHarness({ prepare: (options) => ({ environment: manualEnvironment(), ...options }) });

/** The error `createPeerManager` throws for these options, checked to leave the node untouched. */
function refused(options: unknown): WakuPeersError {
  const fake = createFakeNode();
  const error = thrownBy(() => harness.create(fake, options as CreatePeerManagerOptions));
  expect(fake.listenerCount()).toBe(0);
  return error;
}

describe("misuse of the options is refused at once, with every issue listed", () => {
  it.each([
    [{ maxEvent: 50 }, 'unknown option "maxEvent"'],
    [{ liveness: { intervalMS: 1_000 } }, 'unknown option "liveness.intervalMS" (did you mean "intervalMs"?)'],
    [{ recovery: { maxDials: 2 } }, 'unknown option "recovery.maxDials"'],
    [{ recovery: { backoff: { jiter: 0 } } }, 'unknown option "recovery.backoff.jiter"'],
    [{ peerPolicy: { quarantine: 1 } }, 'unknown option "peerPolicy.quarantine"'],
    [{ peerCache: { keys: "x" } }, 'unknown option "peerCache.keys"'],
    [{ filterCanary: { interval: 1 } }, 'unknown option "filterCanary.interval"'],
  ])("an unknown key in every section: %j", (options, issue) => {
    const error = refused(options);
    expect(error.code).toBe("INVALID_OPTIONS");
    expect(error.issues).toEqual([issue]);
  });

  it("an unknown requirement, with its own code", () => {
    expect(refused({ requirements: { relay: 1 } })).toMatchObject({ code: "INVALID_REQUIREMENTS" });
  });

  it.each([
    { reconnectTimeoutMs: 1e12 },
    { lostConnectionGraceMs: 1e12 },
    { liveness: { intervalMs: 1e12 } },
    { liveness: { timeoutMs: 1e12 } },
    { recovery: { dialTimeoutMs: 1e12 } },
    { recovery: { startupDelayMs: 1e12 } },
    { recovery: { giveUpAfterMs: 1e12 } },
    { recovery: { backoff: { fastPhaseMs: 1e12 } } },
    { recovery: { backoff: { slowTiersMs: [2_000, 1e12] } } },
    { peerPolicy: { quarantineMs: 1e12 } },
    { peerCache: { maxAgeMs: 1e12 } },
    { filterCanary: { intervalMs: 1e12 } },
    { filterCanary: { timeoutMs: 1e12 } },
  ])("a duration of 1e12 ms (setTimeout would fire it after 1 ms): %j", (options) => {
    const error = refused(options);
    expect(error.code).toBe("INVALID_OPTIONS");
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toContain("2147483647");
  });

  it.each([
    [{ maxEvents: 1e10 }, "maxEvents must be an integer from 0 to 10000, got 10000000000"],
    [{ dialConcurrency: 1e6 }, "dialConcurrency must be an integer from 1 to 64, got 1000000"],
    [{ recovery: { maxDialsPerTick: 1e6 } }, "recovery.maxDialsPerTick must be an integer from 1 to 64, got 1000000"],
    [{ peerCache: { maxPeers: 1e6 } }, "peerCache.maxPeers must be an integer from 1 to 200, got 1000000"],
    [
      { recovery: { backoff: { fastTiersMs: Array.from({ length: 33 }, () => 1) } } },
      "recovery.backoff.fastTiersMs must be a list of 1 to 32 durations",
    ],
  ])("a size beyond its bound: %j", (options, issue) => {
    expect(refused(options).issues[0]).toContain(issue);
  });

  it("a requirement beyond its bound", () => {
    expect(refused({ requirements: { store: 1e6 } }).issues).toEqual(["store must be at most 100, got 1000000"]);
  });

  it("every issue at once", () => {
    expect(refused({ maxEvents: 1e10, liveness: { intervalMS: 1 }, peerCache: { maxAgeMs: -1 } }).issues).toHaveLength(3);
  });

  it("own __proto__ and constructor keys, as options parsed from JSON have them", () => {
    const fromJson = JSON.parse(
      '{ "__proto__": { "maxEvents": -1 }, "liveness": { "constructor": 5 } }',
    ) as CreatePeerManagerOptions;
    expect(Object.keys(fromJson)).toContain("__proto__");
    expect(refused(fromJson).issues).toEqual([
      "__proto__ is not allowed as an option key",
      "liveness.constructor is not allowed as an option key",
    ]);
    expect(refused(JSON.parse('{ "requirements": { "__proto__": { "store": 9 } } }')).code).toBe("INVALID_REQUIREMENTS");
  });

  it("reads only own keys: an inherited option changes nothing", () => {
    const inherited = Object.create({ maxEvents: -1, liveness: false }) as CreatePeerManagerOptions;
    const parsed = parseOptions(inherited);
    expect(parsed.maxEvents).toBe(50);
    expect(parsed.liveness).toEqual(DEFAULT_OPTIONS.liveness);
  });
});

describe("bootstrap lists", () => {
  const BOOT = "/ip4/127.0.0.1/tcp/1/ws/p2p/boot";

  it("are bounded: the first 32 entries are read, the rest is reported in lastError", async () => {
    const parseMultiaddr = vi.fn((address: string) => ({ toString: () => address }));
    const bootstrapPeers = Array.from({ length: 10_000 }, (_, index) => `/ip4/127.0.0.1/tcp/${index}/ws/p2p/boot${index}`);
    const manager = await harness.start(createFakeNode(), { bootstrapPeers, parseMultiaddr, recovery: false });
    expect(parseMultiaddr).toHaveBeenCalledTimes(32);
    expect(manager.store.getState().lastError).toEqual({
      code: "BOOTSTRAP_PEERS_IGNORED",
      message: "bootstrapPeers not used: 9968 entries beyond the first 32",
    });
  });

  it("report invalid entries in lastError with a code instead of dropping them silently", async () => {
    const parseMultiaddr = (address: string) => {
      if (address.startsWith("garbage")) throw new Error("invalid multiaddr");
      return { toString: () => address };
    };
    const manager = await harness.start(createFakeNode(), {
      bootstrapPeers: [BOOT, "/ip4/127.0.0.1/tcp/2/ws", "garbage/p2p/x"],
      parseMultiaddr,
      recovery: false,
    });
    const { lastError } = manager.store.getState();
    expect(lastError?.code).toBe("BOOTSTRAP_PEERS_IGNORED");
    expect(lastError?.message).toContain('"/ip4/127.0.0.1/tcp/2/ws": it does not end in /p2p/<peer id>');
    expect(lastError?.message).toContain('"garbage/p2p/x": invalid multiaddr');
    expect(lastError?.message).not.toContain(BOOT);
  });

  it("with only valid entries report nothing", async () => {
    const manager = await harness.start(createFakeNode(), {
      bootstrapPeers: [BOOT],
      parseMultiaddr: (address) => ({ toString: () => address }),
    });
    expect(manager.store.getState().lastError).toBeUndefined();
  });
});

describe("calls on a running manager", () => {
  it.each([
    [null, "options must be an object, got null"],
    [5, "options must be an object, got 5"],
    [{ hard: "yes" }, 'options.hard must be true or false, got "yes"'],
    [{ timeoutMs: -1 }, "options.timeoutMs must be a duration in ms from 0 to 2147483647, got -1"],
    [{ timeoutMs: 1e12 }, "options.timeoutMs must be a duration in ms from 0 to 2147483647, got 1000000000000"],
    [{ harder: true }, 'unknown option "options.harder"'],
  ])("reconnect(%j) resolves with an INVALID_ARGUMENT result, never throws or rejects", async (options, message) => {
    const fake = createFakeNode();
    fake.knowPeer("A", { protocols: [...FULL] });
    const manager = await harness.start(fake, { recovery: false });
    let result: Promise<unknown> | undefined;
    expect(() => (result = manager.reconnect(options as never))).not.toThrow();
    await expect(result).resolves.toMatchObject({ ok: false, dialed: 0, error: { code: "INVALID_ARGUMENT", message } });
    expect(fake.dials).toEqual([]);
  });

  it("reportFailure refuses a protocol that does not exist, and a peer id that is not a string", async () => {
    const manager = await harness.start(createFakeNode());
    expect(thrownBy(() => manager.reportFailure("A", "relay" as never)).code).toBe("INVALID_ARGUMENT");
    expect(thrownBy(() => manager.reportSuccess(42 as never, "store")).code).toBe("INVALID_ARGUMENT");
  });
});

describe("a constructor that fails part-way", () => {
  it("leaves no listener on the node when the environment throws", () => {
    const fake = createFakeNode();
    const environment: Environment = {
      isOnline: () => true,
      subscribe: () => {
        throw new Error("environment broken");
      },
    };
    expect(() => harness.create(fake, { environment })).toThrow("environment broken");
    expect(fake.listenerCount()).toBe(0);
  });

  it("leaves no listener and no gate once the dial gate is installed", async () => {
    const fake = createFakeNode();
    const gater = fake.libp2p.components.connectionGater;
    const before = gater.denyDialPeer;
    Object.defineProperty(fake.libp2p, "services", {
      get: () => {
        throw new Error("services unavailable");
      },
    });
    expect(() => harness.create(fake)).toThrow("services unavailable");
    expect(fake.listenerCount()).toBe(0);
    expect(gater.denyDialPeer).toBe(before);
    await settle();
    expect(fake.dials).toEqual([]);
  });
});
