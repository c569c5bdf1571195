/**
 * Child task of the provider leak benchmark: mount/unmount cycles of a provider that creates a
 * real light node against the fleet, in happy-dom, then what is left: handles that grew, heap
 * growth after forced collections, and — asked of the parent, which owns the fleet — how many
 * client peers the fleet still sees connected (a node left running connects and stays).
 *
 * - ours: `<WakuPeersProvider options>`; a cycle lasts until the provider hands its started node
 *   to the app (`useWakuNode`); every 10th cycle waits for status `connected`, so connections are
 *   really opened and must be closed on unmount.
 * - @waku/react 0.0.8: `<WakuProvider options>`; a cycle lasts until `useWaku().node` is set (the
 *   node started and `waitForPeers` resolved). Its nodes are never stopped, and keep dialing.
 */
import "./dom.js";

import { WakuProvider, useWaku } from "@waku/react";
import type { CreateNodeOptions } from "@waku/sdk";
import { useEffect, type ReactElement } from "react";
import { createRoot } from "react-dom/client";

import { WakuPeersProvider, useConnectionStatus, useWakuNode } from "../../src/index.js";
import { activeResources, collectedHeapBytes, heapSlope, resourceGrowth, sampleCycles } from "../lib/heap.js";
import { now, sleep } from "../lib/time.js";
import type { ChildIo } from "./io.js";

// Real timers and sockets: React schedules on its own, no act() around network waits.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = false;

export type ProviderSide = "ours" | "waku-react";

export interface LeaksProviderParams {
  side: ProviderSide;
  cycles: number;
  warmupCycles: number;
  /** Light node options for the fleet (plain JSON). */
  options: CreateNodeOptions;
  /** Every n-th cycle of ours waits for `connected`. */
  connectEvery: number;
  /** After the last cycle: long enough for a leaked node to dial the fleet (bootstrap waits 1 s). */
  settleMs: number;
  cycleTimeoutMs: number;
}

export interface LeaksProviderResult {
  side: ProviderSide;
  cycles: number;
  warmupCycles: number;
  /** Cycles whose node never became ready within the cycle timeout. */
  timedOut: number;
  wallMs: number;
  /** Client peers the fleet still saw connected after the settle. */
  fleetClients: number;
  handles: Record<string, number>;
  /** From before the first measured cycle to after the settle: includes one-time costs. */
  heapGrowthBytes: number;
  /** Least-squares heap slope over the second half of the cycles. */
  heapBytesPerCycle: number;
}

const SAMPLE_SETTLE_MS = 500;

interface Seen {
  ready: boolean;
  connected: boolean;
}

const seen: Seen = { ready: false, connected: false };

function OursProbe(): null {
  const node = useWakuNode();
  const { status } = useConnectionStatus();
  useEffect(() => {
    seen.ready = node !== undefined;
    seen.connected = status === "connected";
  }, [node, status]);
  return null;
}

function WakuReactProbe(): null {
  const { node } = useWaku();
  useEffect(() => {
    seen.ready = node !== undefined;
  }, [node]);
  return null;
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = now() + timeoutMs;
  while (!check()) {
    if (now() > deadline) return false;
    await sleep(10);
  }
  return true;
}

/**
 * Handles that grew since `before`, once closing sockets have had their chance: a stopped node's
 * last connections take a moment to close. Polls until nothing has grown or `maxMs` passed.
 */
async function settledGrowth(before: Record<string, number>, maxMs: number): Promise<Record<string, number>> {
  const deadline = now() + maxMs;
  for (;;) {
    const grown = resourceGrowth(before, activeResources());
    if (Object.keys(grown).length === 0 || now() > deadline) return grown;
    await sleep(250);
  }
}

export async function run(params: LeaksProviderParams, io: ChildIo): Promise<LeaksProviderResult> {
  const container = document.createElement("div");
  document.body.appendChild(container);
  const root = createRoot(container);
  const tree = (): ReactElement =>
    params.side === "ours" ? (
      <WakuPeersProvider options={params.options}>
        <OursProbe />
      </WakuPeersProvider>
    ) : (
      // @waku/react writes into the options it is given: a fresh copy per mount, as an app's literal would be.
      <WakuProvider options={structuredClone(params.options)}>
        <WakuReactProbe />
      </WakuProvider>
    );

  let timedOut = 0;
  const cycle = async (index: number): Promise<void> => {
    seen.ready = false;
    seen.connected = false;
    root.render(tree());
    const waitConnected = params.side === "ours" && index % params.connectEvery === 0;
    const ok = await until(() => seen.ready && (!waitConnected || seen.connected), params.cycleTimeoutMs);
    if (!ok) timedOut += 1;
    root.render(null);
    // The provider releases its node a microtask after unmount; let that and the stop begin.
    await sleep(0);
  };

  for (let index = 0; index < params.warmupCycles; index++) await cycle(index);
  await sleep(params.settleMs);
  const heapBefore = await collectedHeapBytes();
  const handlesBefore = activeResources();
  const startedAt = now();
  const sampleAt = sampleCycles(params.cycles);
  const samples: { cycle: number; bytes: number }[] = [];
  let samplingMs = 0;
  for (let index = 0; index < params.cycles; index++) {
    await cycle(index);
    if (sampleAt.has(index + 1)) {
      const sampleStart = now();
      // The node just unmounted is still closing its sockets: give it the time before weighing.
      await sleep(SAMPLE_SETTLE_MS);
      samples.push({ cycle: index + 1, bytes: await collectedHeapBytes() });
      samplingMs += now() - sampleStart;
    }
    if ((index + 1) % 50 === 0 || index + 1 === params.cycles) {
      io.log(`leaks-provider: ${params.side}: ${index + 1}/${params.cycles} cycles`);
    }
  }
  const wallMs = now() - startedAt - samplingMs;
  await sleep(params.settleMs);
  const heapAfter = await collectedHeapBytes();
  const handles = await settledGrowth(handlesBefore, params.settleMs);
  const fleetClients = await io.checkpoint<number>("fleet-clients");
  root.unmount();
  return {
    side: params.side,
    cycles: params.cycles,
    warmupCycles: params.warmupCycles,
    timedOut,
    wallMs,
    fleetClients,
    handles,
    heapGrowthBytes: heapAfter - heapBefore,
    heapBytesPerCycle: heapSlope(samples),
  };
}
