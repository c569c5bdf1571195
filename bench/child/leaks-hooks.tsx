/**
 * Child task of the hook leak benchmark: 10,000 mount/unmount cycles of a component using every
 * hook, under one `<WakuPeersProvider node={fake}>` (shipped defaults), then, once the provider is
 * unmounted and every manager stopped, what is left over:
 * - listeners on the fake libp2p beyond the manager's own;
 * - store subscriptions and lost-connection listeners: each manager-reading hook is also called
 *   with `{ manager }` pointing at a counting wrapper of a real manager, so every subscription a
 *   hook makes and does not undo is counted;
 * - timers and other active handles (`process.getActiveResourcesInfo`) that grew;
 * - heap growth after forced collections.
 * Baseline: the naive hook (a libp2p listener that sets state), cycled the same way.
 *
 * The parent starts this child with NODE_ENV=production: React's development build keeps debug
 * records that grow by about 1.5 KB per mount even for a component with one useState, which
 * would drown any leak of ours. `act()` does not exist in production builds, so each step is
 * committed with `flushSync` (synchronous render, and the passive effects of a sync render are
 * flushed with it) and followed by a macrotask for anything scheduled.
 */
import "./dom.js";

import type { LightNode } from "@waku/sdk";
import { useEffect, useState, type ReactElement } from "react";
import { flushSync } from "react-dom";
import { createRoot } from "react-dom/client";

import { createPeerManager, type PeerManager, type WakuPeersState } from "../../src/core/index.js";
import {
  WakuPeersProvider,
  useConnectionStatus,
  useLostConnectionListener,
  usePeerHealth,
  usePeers,
  useReconnect,
  useWakuNode,
  useWakuPeers,
} from "../../src/index.js";
import { activeResources, collectedHeapBytes, heapSlope, resourceGrowth, sampleCycles } from "../lib/heap.js";
import { followNaively } from "../lib/naive-counts.js";
import { createFakeNode, type FakeNode } from "../../test/unit/core/_fake-node.js";
import type { ChildIo } from "./io.js";

export interface LeaksHooksParams {
  cycles: number;
}

export interface LeftOver {
  libp2pListeners: number;
  storeSubscriptions: number;
  lostListeners: number;
  handles: Record<string, number>;
  /** From before the measured life to after its teardown: includes one-time costs. */
  heapGrowthBytes: number;
  /** Least-squares heap slope over the second half of the cycles (tree in the same state at each sample). */
  heapBytesPerCycle: number;
}

export interface LeaksHooksResult {
  cycles: number;
  ours: LeftOver;
  naive: LeftOver;
}

/** A manager whose store subscriptions and lost-connection listeners are counted while active. */
function countingManager(manager: PeerManager): { manager: PeerManager; active(): { store: number; lost: number } } {
  let store = 0;
  let lost = 0;
  const counted =
    <A extends unknown[]>(subscribe: (...args: A) => () => void, bump: (delta: number) => void) =>
    (...args: A): (() => void) => {
      const undo = subscribe(...args);
      bump(1);
      let undone = false;
      return () => {
        if (!undone) bump(-1);
        undone = true;
        undo();
      };
    };
  const inner = manager.store;
  const wrapped: PeerManager = {
    ...manager,
    store: {
      getState: inner.getState,
      getInitialState: inner.getInitialState,
      // One function for the wrapper's whole life: hooks hand it to useSyncExternalStore.
      subscribe: counted(
        inner.subscribe.bind(inner) as (...args: unknown[]) => () => void,
        (delta) => (store += delta),
      ) as PeerManager["store"]["subscribe"],
    },
    onLostConnection: counted(manager.onLostConnection.bind(manager), (delta) => (lost += delta)),
  };
  return { manager: wrapped, active: () => ({ store, lost }) };
}

const selectRecovery = (state: WakuPeersState) => state.recovery;

function EveryHook({ manager }: { manager: PeerManager }): ReactElement {
  // Through the provider, as an app uses them…
  const { status } = useConnectionStatus();
  usePeerHealth();
  usePeerHealth("filter");
  usePeers();
  useWakuPeers(selectRecovery);
  useReconnect();
  useLostConnectionListener(() => {});
  useWakuNode();
  // …and through the counting manager, so each subscription is seen.
  useConnectionStatus({ manager });
  usePeerHealth(undefined, { manager });
  usePeerHealth("store", { manager });
  usePeers({ manager });
  useWakuPeers(selectRecovery, undefined, { manager });
  useReconnect({ manager });
  useLostConnectionListener(() => {}, { manager });
  return <span>{status}</span>;
}

function NaiveHook({ fake }: { fake: FakeNode }): ReactElement {
  const [events, setEvents] = useState(0);
  useEffect(() => followNaively(fake.libp2p, () => setEvents((count) => count + 1)), [fake]);
  return <span>{events}</span>;
}

const nextTask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Applies `change` and lets React, the manager's microtask commits and their timers catch up. */
async function step(change: () => void): Promise<void> {
  flushSync(change);
  await nextTask();
}

/** Timers too, not only immediates: a few turns of the whole event loop. */
const settle = async (): Promise<void> => {
  for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setTimeout(resolve, 0));
};

/** One side's tree and the managers behind it, for one life from mount to teardown. */
interface Side {
  render(mounted: boolean): ReactElement;
  counted(): { store: number; lost: number };
  /** Stops what the side created outside React (the counting manager). */
  dispose(): void;
}

/**
 * Mounts the side's tree, runs the cycles, then tears everything down (root unmounted, managers
 * stopped), and returns the subscriptions the counting wrapper still sees.
 */
async function life(
  side: Side,
  fake: FakeNode,
  cycles: number,
  label: string,
  io: ChildIo,
  sampleHeap = false,
): Promise<{ store: number; lost: number; heapSlope: number }> {
  // Heap samples across the second half, tree in the same state each time (see heapSlope).
  const samples: { cycle: number; bytes: number }[] = [];
  const sampleAt = sampleCycles(cycles);
  const container = document.createElement("div");
  document.body.appendChild(container);
  const root = createRoot(container);
  await step(() => root.render(side.render(false)));
  for (let index = 0; index < cycles; index++) {
    await step(() => root.render(side.render(true)));
    await step(() => root.render(side.render(false)));
    // Peer traffic between cycles: a subscription left behind would be called here.
    if (index % 50 === 0) {
      await step(() => {
        if (fake.libp2p.getConnections().some((c) => c.remotePeer.toString() === "churn")) fake.disconnectPeer("churn");
        else fake.connectPeer("churn", { protocols: ["lightPush", "filter"] });
      });
    }
    if ((index + 1) % 2_000 === 0) io.log(`leaks-hooks: ${label}: ${index + 1}/${cycles} cycles`);
    if (sampleHeap && sampleAt.has(index + 1)) {
      await settle();
      samples.push({ cycle: index + 1, bytes: await collectedHeapBytes() });
    }
  }
  await step(() => root.unmount());
  container.remove();
  side.dispose();
  await settle();
  return { ...side.counted(), heapSlope: heapSlope(samples) };
}

/**
 * A warm-up life first (first renders compile code and fill one-time structures), then the
 * measured life; heap and handles are compared between the two teardowns, so whatever is left is
 * what the cycles left behind.
 */
async function measure(createSide: () => Side, fake: FakeNode, cycles: number, label: string, io: ChildIo): Promise<LeftOver> {
  await life(createSide(), fake, Math.min(200, Math.ceil(cycles / 10)), `${label} warm-up`, io);
  const heapBefore = await collectedHeapBytes();
  const handlesBefore = activeResources();
  const listenersBefore = fake.listenerCount();
  const counted = await life(createSide(), fake, cycles, label, io, true);
  return {
    libp2pListeners: Math.max(0, fake.listenerCount() - listenersBefore),
    storeSubscriptions: counted.store,
    lostListeners: counted.lost,
    handles: resourceGrowth(handlesBefore, activeResources()),
    heapGrowthBytes: (await collectedHeapBytes()) - heapBefore,
    heapBytesPerCycle: counted.heapSlope,
  };
}

export async function run(params: LeaksHooksParams, io: ChildIo): Promise<LeaksHooksResult> {
  const oursFake = createFakeNode();
  oursFake.connectPeer("service", { protocols: ["lightPush", "filter", "store"] });
  const node = oursFake.node as unknown as LightNode;
  const ours = await measure(
    () => {
      const real = createPeerManager(oursFake.node);
      const counting = countingManager(real);
      return {
        render: (mounted) => (
          <WakuPeersProvider node={node}>{mounted ? <EveryHook manager={counting.manager} /> : null}</WakuPeersProvider>
        ),
        counted: counting.active,
        dispose: () => real.stop(),
      };
    },
    oursFake,
    params.cycles,
    "ours",
    io,
  );

  const naiveFake = createFakeNode();
  naiveFake.connectPeer("service", { protocols: ["lightPush", "filter", "store"] });
  const naive = await measure(
    () => ({
      render: (mounted) => <>{mounted ? <NaiveHook fake={naiveFake} /> : null}</>,
      counted: () => ({ store: 0, lost: 0 }),
      dispose: () => {},
    }),
    naiveFake,
    params.cycles,
    "naive",
    io,
  );
  return { cycles: params.cycles, ours, naive };
}
