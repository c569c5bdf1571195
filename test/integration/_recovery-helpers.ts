// Helpers for the recovery integration tests: a real @waku/sdk light node against a fleet, with a
// peer manager attached. Every timing these tests assert is measured here, on loopback, on a
// shared 2-core machine; figures are printed with a [recovery] prefix.
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { unhandledRejections } from "../setup/unhandled.js";
import {
  bytesToUtf8,
  createLightNode,
  utf8ToBytes,
  type CreateNodeOptions,
  type IDecodedMessage,
  type LightNode,
} from "@waku/sdk";

import { lightNodeOptions, startFleet } from "waku-peers-fleet";
import type { Fleet, FleetOptions, NodeStats } from "waku-peers-fleet";
import { createPeerManager, manualEnvironment } from "../../src/core/index.js";
import type {
  CreatePeerManagerOptions,
  ManualEnvironment,
  PeerCacheStorage,
  PeerManager,
  WakuPeersState,
} from "../../src/core/index.js";

export function log(message: string): void {
  console.log(`[recovery] ${message}`);
}

/** Closes everything a test opened, newest first, even when the test failed; errors are logged, not thrown. */
/** One {@link Resources} per test file, closed after each test; the file fails on any unhandled rejection. */
export function trackResources(): Resources {
  const resources = new Resources();
  afterEach(async () => {
    await resources.closeAll();
  });
  afterAll(() => {
    expect(unhandledRejections()).toEqual([]);
  });
  return resources;
}

/** A peer that serves everything these tests need from a service node. */
export const servesAll = (protocols: readonly string[]): boolean =>
  protocols.includes("lightPush") && protocols.includes("filter") && protocols.includes("store");

export class Resources {
  readonly #closers: { name: string; close: () => unknown }[] = [];

  add<T>(name: string, value: T, close: (value: T) => unknown): T {
    this.#closers.push({ name, close: () => close(value) });
    return value;
  }

  async closeAll(): Promise<void> {
    while (this.#closers.length > 0) {
      const { name, close } = this.#closers.pop()!;
      try {
        await close();
      } catch (error) {
        log(`cleanup of ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}

export async function fleetOf(resources: Resources, options: FleetOptions): Promise<Fleet> {
  const started = performance.now();
  const fleet = await startFleet(options);
  log(`fleet of ${options.nodes} (${options.bootstrap ?? 1} bootstrap) ready in ${Math.round(performance.now() - started)} ms`);
  return resources.add("fleet", fleet, (value) => value.close());
}

export async function lightNodeFor(resources: Resources, fleet: Fleet, extra: CreateNodeOptions = {}): Promise<LightNode> {
  const node = await createLightNode(lightNodeOptions(fleet, extra));
  return resources.add("light node", node, (value) => value.stop());
}

export interface Attached {
  manager: PeerManager;
  environment: ManualEnvironment;
}

/** The peer manager with shipped defaults, a manual environment, and the fleet's bootstrap list. */
export function attach(resources: Resources, node: LightNode, fleet: Fleet, options: CreatePeerManagerOptions = {}): Attached {
  const environment = manualEnvironment();
  const manager = createPeerManager(node, {
    environment,
    bootstrapPeers: fleet.nodes.filter((info) => info.role === "bootstrap").map((info) => info.multiaddr),
    ...options,
  });
  resources.add("peer manager", manager, (value) => value.stop());
  return { manager, environment };
}

/** Resolves with the elapsed ms once `check(state)` holds; re-checks on every store change. */
export function waitForState(
  manager: PeerManager,
  check: (state: WakuPeersState) => boolean,
  timeoutMs: number,
  what: string,
): Promise<number> {
  const started = performance.now();
  if (check(manager.store.getState())) return Promise.resolve(0);
  return new Promise((resolve, reject) => {
    const unsubscribe = manager.store.subscribe((state) => {
      if (!check(state)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(performance.now() - started);
    });
    const timer = setTimeout(() => {
      unsubscribe();
      const state = manager.store.getState();
      reject(
        new Error(
          `timed out after ${timeoutMs} ms waiting for: ${what} (status ${state.status}, ` +
            `health ${JSON.stringify(countsOf(state))}, last events ${JSON.stringify(state.events.slice(-8))})`,
        ),
      );
    }, timeoutMs);
  });
}

export function countsOf(state: WakuPeersState): Record<string, number> {
  return {
    lightPush: state.health.lightPush.connected,
    filter: state.health.filter.connected,
    store: state.health.store.connected,
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let topicCounter = 0;
/** A content topic of its own for each use, so tests never see each other's messages. */
export function contentTopic(name: string): string {
  return `/waku-peers-recovery/1/${name}-${process.pid}-${++topicCounter}/proto`;
}

export interface Inbox {
  readonly payloads: string[];
  waitFor(payload: string, timeoutMs: number): Promise<number>;
}

/** A filter subscription the app holds for the whole test. */
export async function subscribe(node: LightNode, topic: string): Promise<Inbox> {
  const payloads: string[] = [];
  const waiters = new Set<() => void>();
  const subscribed = await node.filter.subscribe(node.createDecoder({ contentTopic: topic }), (message: IDecodedMessage) => {
    payloads.push(bytesToUtf8(message.payload));
    for (const wake of [...waiters]) wake();
  });
  if (!subscribed) throw new Error(`filter subscription to ${topic} failed`);
  return {
    payloads,
    waitFor(payload, timeoutMs) {
      const started = performance.now();
      if (payloads.includes(payload)) return Promise.resolve(0);
      return new Promise((resolve, reject) => {
        const wake = (): void => {
          if (!payloads.includes(payload)) return;
          waiters.delete(wake);
          clearTimeout(timer);
          resolve(performance.now() - started);
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`"${payload}" did not arrive within ${timeoutMs} ms (got ${JSON.stringify(payloads)})`));
        }, timeoutMs);
        waiters.add(wake);
      });
    },
  };
}

/** Light push without the SDK's retry queue, so a result is the result of this one send. */
export async function publish(node: LightNode, topic: string, payload: string) {
  return node.lightPush.send(
    node.createEncoder({ contentTopic: topic }),
    { payload: utf8ToBytes(payload) },
    { autoRetry: false },
  );
}

/**
 * A message published now reaches the app's subscription. Publishing is retried a few times only
 * when no light push peer accepted it (a light push peer may still be identifying); the filter
 * delivery itself is never helped.
 */
export async function expectDelivered(
  node: LightNode,
  inbox: Inbox,
  topic: string,
  payload: string,
  timeoutMs = 10_000,
  fleet?: Fleet,
): Promise<number> {
  const started = performance.now();
  let accepted: string[] = [];
  for (let attempt = 0; ; attempt++) {
    const result = await publish(node, topic, payload);
    accepted = result.successes.map(String);
    if (accepted.length > 0) break;
    if (attempt >= 4) throw new Error(`no light push peer accepted "${payload}": ${JSON.stringify(result.failures)}`);
    await sleep(500);
  }
  try {
    await inbox.waitFor(payload, timeoutMs);
  } catch (error) {
    const names = (id: string) => fleet?.nodes.find((info) => info.peerId === id)?.index ?? id;
    const stats =
      fleet === undefined
        ? []
        : await Promise.all(
            fleet.nodes
              .filter((info) => info.state === "running")
              .map(async (info) => ({ index: info.index, ...(await fleet.stats(info.index)) })),
          );
    const connected = node.libp2p.getConnections().map((connection) => names(connection.remotePeer.toString()));
    const fleetStats = stats.map(
      ({ index, connectedPeers, filterSubscriptions, filterPushes, lightPushReceived, relayReceived }) => ({
        index,
        peers: connectedPeers.length,
        filterSubscriptions,
        filterPushes,
        lightPushReceived,
        relayReceived,
      }),
    );
    throw new Error(
      `${(error as Error).message}; accepted by ${JSON.stringify(accepted.map(names))}; ` +
        `connected: ${JSON.stringify(connected)}; ` +
        `fleet: ${JSON.stringify(fleetStats)}`,
    );
  }
  return performance.now() - started;
}

/** Fleet nodes currently holding a filter subscription (counters live in the node processes). */
export async function nodesWithSubscriptions(fleet: Fleet): Promise<number[]> {
  const indexes: number[] = [];
  for (const info of fleet.nodes) {
    if (info.state !== "running") continue;
    const stats: NodeStats = await fleet.stats(info.index);
    if (stats.filterSubscriptions > 0) indexes.push(info.index);
  }
  return indexes;
}

/** Polls `check` (for facts with no event, like another process's counters). */
export async function poll<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  what: string,
  everyMs = 100,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await sleep(everyMs);
  }
}

/**
 * Waits until a fleet node the light node is connected to holds a filter subscription again. The
 * SDK re-subscribes on its own once a filter peer has identified — about 50–200 ms after the
 * status says connected on loopback — and filter is not store-and-forward: a message published
 * in that gap is not pushed. Returns the ms waited.
 */
export async function filterLiveAgain(fleet: Fleet, node: LightNode, timeoutMs = 10_000): Promise<number> {
  const started = performance.now();
  await poll(
    async () => {
      for (const index of await nodesWithSubscriptions(fleet)) {
        if (isConnected(node, fleet.nodes[index]!.peerId)) return true;
      }
      return undefined;
    },
    timeoutMs,
    "a connected fleet node holding the app's filter subscription again",
    25,
  );
  return performance.now() - started;
}

export function isConnected(node: LightNode, peerId: string): boolean {
  return node.libp2p
    .getConnections()
    .some((connection) => connection.remotePeer.toString() === peerId && connection.status === "open");
}

/** A storage in memory, shaped like localStorage, shared between two "runs" of an app. */
export function memoryStorage(initial: Record<string, string> = {}): PeerCacheStorage & { readonly items: Map<string, string> } {
  const items = new Map(Object.entries(initial));
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
  };
}

/**
 * One fleet for every test of a file (starting one costs 6–10 s on a busy machine): started
 * before the first test, closed after the last, and put back after each test — killed nodes
 * restarted, frozen ones thawed and restarted, faults cleared — so the next test starts healthy.
 */
export function sharedFleet(options: FleetOptions): () => Fleet {
  let fleet: Fleet | undefined;
  beforeAll(async () => {
    const started = performance.now();
    fleet = await startFleet(options);
    log(
      `shared fleet of ${options.nodes} (${options.bootstrap ?? 1} bootstrap) ` +
        `ready in ${Math.round(performance.now() - started)} ms`,
    );
  }, 120_000);
  afterEach(async () => {
    if (fleet !== undefined) await restoreFleet(fleet);
  }, 120_000);
  afterAll(async () => {
    await fleet?.close();
  });
  return () => {
    if (fleet === undefined) throw new Error("the shared fleet is not started");
    return fleet;
  };
}

async function restoreFleet(fleet: Fleet): Promise<void> {
  await Promise.all(
    fleet.nodes.map(async (info) => {
      if (info.state === "frozen") await fleet.thaw(info.index);
      // A thawed node wakes up to sockets its peers gave up on: a fresh process is the clean state.
      if (info.state !== "running" || Object.keys(info.fault).length > 0) {
        if (Object.keys(info.fault).length > 0) await fleet.setFault(info.index, {});
        if (info.state !== "running") await fleet.restart(info.index);
      }
    }),
  );
}

/**
 * Counts the liveness pings the manager sends through the node's ping service, per peer (libp2p's own monitor does not
 * use it).
 */
export interface PingWatch {
  answered(peerId: string): number;
  /** Runs `hook` once, synchronously, right after the next ping has been sent. */
  onNextPing(hook: () => void): void;
}

export function watchPings(resources: Resources, node: LightNode): PingWatch {
  const service = node.libp2p.services.ping as { ping: (peer: { toString(): string }, options?: unknown) => Promise<number> };
  const original = service.ping;
  const answered = new Map<string, number>();
  let next: (() => void) | undefined;
  service.ping = function (this: unknown, peer, options) {
    const result = original.call(this, peer, options);
    const hook = next;
    next = undefined;
    hook?.();
    void result.then(
      () => answered.set(peer.toString(), (answered.get(peer.toString()) ?? 0) + 1),
      () => {},
    );
    return result;
  };
  resources.add("ping watch", service, (value) => {
    value.ping = original;
  });
  return {
    answered: (peerId) => answered.get(peerId) ?? 0,
    onNextPing(hook) {
      next = hook;
    },
  };
}

/** Service peers our manager counts as connected right now. */
export function countedPeers(state: WakuPeersState): string[] {
  return Object.values(state.peers)
    .filter((peer) => peer.connected && servesAll(peer.protocols))
    .map((peer) => peer.id);
}

/** A light node with the manager attached, connected to every fleet node and done measuring a few round trips with each. */
export async function connectedClient(resources: Resources, fleet: Fleet, options: CreatePeerManagerOptions = {}) {
  const node = await lightNodeFor(resources, fleet);
  const pings = watchPings(resources, node);
  const attached = attach(resources, node, fleet, options);
  const all = fleet.nodes.map((info) => info.peerId);
  await waitForState(
    attached.manager,
    (state) => countedPeers(state).length === all.length,
    45_000,
    `all ${all.length} fleet nodes connected and identified`,
  );
  await poll(
    () => (all.every((id) => pings.answered(id) >= 3) ? true : undefined),
    20_000,
    "three liveness round trips measured with every node",
  );
  return { node, pings, ...attached };
}
