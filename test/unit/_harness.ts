/**
 * The one harness of the unit tests: the fakes at the node boundary, the clocks and storages
 * tests drive by hand, and the lifecycle every peer-manager test shares (the manager's acting
 * parts loaded before the first test, so managers start synchronously; fake timers per test;
 * every manager started through the harness stopped after its test, even when it failed).
 *
 *   const harness = managerHarness({ prepare: (options) => ({ liveness: false, ...options }) });
 *   it("…", async () => {
 *     const fake = createFakeNode();
 *     const manager = await harness.start(fake, { recovery: false });
 *   });
 */
import { afterEach, beforeAll, beforeEach, vi } from "vitest";

import { createPeerManager, preloadPeerManager } from "../../src/core/index.js";
import type { Clock, CreatePeerManagerOptions, PeerCacheStorage, PeerManager, PeersStore } from "../../src/core/index.js";
import { WakuPeersError } from "../../src/core/index.js";
import type { FakeNode } from "./core/_fake-node.js";

export { createFakeNode, FAKE_CODECS } from "./core/_fake-node.js";
export type { FakeNode, FakeProtocol } from "./core/_fake-node.js";
export { addFakeProtocols, pubsubTopicOf } from "./core/_fake-protocols.js";

/** A peer serving light push, filter and store. */
export const FULL = ["lightPush", "filter", "store"] as const;

/** A `random` that keeps candidates in their stored order (every shuffle draw picks the last slot). */
export const inOrder = (): number => 0.999999;

/**
 * Options that keep every part but the one a test is about quiet: candidates in stored order, no
 * liveness pings, no peer cache, no filter canary. Spread before the test's own options.
 */
export const QUIET_PARTS = { random: inOrder, liveness: false, peerCache: false, filterCanary: false } as const;

export interface HarnessConfig {
  /** Fake timers around each test (default true). */
  fakeTimers?: boolean;
  /** The file's defaults around each test's own options. */
  prepare?: (options: CreatePeerManagerOptions) => CreatePeerManagerOptions;
}

export interface ManagerHarness {
  /** `createPeerManager` with the file's defaults (`exactly`: without them); stopped after the test. */
  create(fake: FakeNode, options?: CreatePeerManagerOptions, exactly?: "exactly"): PeerManager;
  /** {@link ManagerHarness.create}, then lets the first commit and peer store reads land. */
  start(fake: FakeNode, options?: CreatePeerManagerOptions, exactly?: "exactly"): Promise<PeerManager>;
}

export function managerHarness(config: HarnessConfig = {}): ManagerHarness {
  const running: PeerManager[] = [];
  const fakeTimers = config.fakeTimers !== false;
  beforeAll(() => preloadPeerManager());
  if (fakeTimers) beforeEach(() => void vi.useFakeTimers());
  afterEach(() => {
    for (const manager of running.splice(0)) manager.stop();
    if (fakeTimers) vi.useRealTimers();
  });
  const create = (fake: FakeNode, options: CreatePeerManagerOptions = {}, exactly?: "exactly"): PeerManager => {
    const manager = createPeerManager(fake.node, config.prepare && exactly === undefined ? config.prepare(options) : options);
    running.push(manager);
    return manager;
  };
  return {
    create,
    async start(fake, options, exactly) {
      const manager = create(fake, options, exactly);
      await settle();
      return manager;
    },
  };
}

/**
 * Lets every pending microtask and peer store read finish. Works with real and fake timers:
 * under fake timers it advances the fake clock by 0 ms, which also drains microtasks.
 */
export async function settle(): Promise<void> {
  if (vi.isFakeTimers()) {
    await vi.advanceTimersByTimeAsync(0);
  } else {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/** Counts store updates from now on. */
export function countUpdates(store: PeersStore): { readonly count: number; stop(): void } {
  let count = 0;
  const unsubscribe = store.subscribe(() => {
    count++;
  });
  return {
    get count() {
      return count;
    },
    stop: unsubscribe,
  };
}

/** A clock whose timers are counted and fired by hand. */
export function manualClock() {
  let now = 0;
  const timers = new Map<number, { at: number; callback: () => void }>();
  let nextId = 0;
  const clock: Clock = {
    now: () => now,
    setTimeout(callback, ms) {
      timers.set(++nextId, { at: now + ms, callback });
      return nextId;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
  };
  return {
    clock,
    pending: () => timers.size,
    advance(ms: number) {
      now += ms;
      for (const [id, timer] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
        if (timer.at > now) continue;
        timers.delete(id);
        timer.callback();
      }
    },
  };
}

/** A storage in memory, shaped like localStorage, counting its writes. */
export function memoryStorage(
  initial?: string,
  key = "waku-peers:peer-cache:v1",
): PeerCacheStorage & { readonly items: Map<string, string>; readonly writes: number } {
  const items = new Map<string, string>(initial === undefined ? [] : [[key, initial]]);
  let writes = 0;
  return {
    items,
    get writes() {
      return writes;
    },
    getItem: (name) => items.get(name) ?? null,
    setItem(name, value) {
      writes++;
      items.set(name, value);
    },
  };
}

/** The `WakuPeersError` `run` throws (fails the test when it throws nothing, or something else). */
export function thrownBy(run: () => unknown): WakuPeersError {
  try {
    run();
  } catch (error) {
    if (error instanceof WakuPeersError) return error;
    throw error;
  }
  throw new Error("expected a WakuPeersError, nothing was thrown");
}
