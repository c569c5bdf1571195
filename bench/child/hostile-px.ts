/**
 * Child task of the hostile-px benchmark: one light node bootstrapped to a `pxFlood` node, in a
 * process of its own (the SDK alone grows by hundreds of MiB and freezes its event loop under
 * the flood: it must not share a heap or a loop with the parent or the other side).
 *
 * - sdk: `createLightNode(options)`, nothing attached;
 * - ours: the same node with `createPeerManager(node, { bootstrapPeers })`, shipped defaults.
 *
 * Measured: time until the node meets the bench requirements (the neutral observer, same for
 * both sides), the heap after full collections at the end of the window against before the node
 * was created, the peak heap sampled every 250 ms, and the longest event-loop gap.
 */
import { createLightNode, type CreateNodeOptions } from "@waku/sdk";

import { createPeerManager } from "../../src/core/index.js";
import { collectedHeapBytes } from "../lib/heap.js";
import { untilRequirementsMet } from "../lib/observer.js";
import { now, sleep, withTimeout } from "../lib/time.js";
import type { Sample } from "../types.js";
import type { ChildIo } from "./io.js";

export type HostilePxSide = "ours" | "sdk";

export interface HostilePxParams {
  side: HostilePxSide;
  /** Light node options for the fleet (plain JSON); its bootstrap list names the flooding node. */
  options: CreateNodeOptions;
  capMs: number;
  /** How long the node runs in all (from its creation), connected or not: the flood's aftermath is in the heap figure. */
  windowMs: number;
}

export interface HostilePxResult {
  side: HostilePxSide;
  connected: Sample;
  heapGrowthBytes: number;
  peakHeapGrowthBytes: number;
  maxEventLoopGapMs: number;
  peerStore: number;
}

const HEAP_SAMPLE_MS = 250;
const GAP_TICK_MS = 10;

export async function run(params: HostilePxParams, io: ChildIo): Promise<HostilePxResult> {
  const heapBefore = await collectedHeapBytes();
  let peak = heapBefore;
  let maxGap = 0;
  let lastTick = now();
  const gapTimer = setInterval(() => {
    const at = now();
    maxGap = Math.max(maxGap, at - lastTick - GAP_TICK_MS);
    lastTick = at;
  }, GAP_TICK_MS);
  const heapTimer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, HEAP_SAMPLE_MS);
  const since = now();
  const node = await createLightNode(params.options);
  const manager =
    params.side === "ours" ? createPeerManager(node, { bootstrapPeers: [...(params.options.bootstrapPeers ?? [])] }) : undefined;
  try {
    const connected = await untilRequirementsMet(node.libp2p, { since, capMs: params.capMs });
    const outcome = connected.capped
      ? `not connected within ${params.capMs} ms`
      : `connected after ${Math.round(connected.value)} ms`;
    io.log(`hostile-px: ${params.side}: ${outcome}`);
    await sleep(Math.max(0, since + params.windowMs - now()));
    const peerStore = (await node.libp2p.peerStore.all()).length;
    const heapAfter = await collectedHeapBytes();
    return {
      side: params.side,
      connected,
      heapGrowthBytes: heapAfter - heapBefore,
      peakHeapGrowthBytes: Math.max(peak, heapAfter) - heapBefore,
      maxEventLoopGapMs: Math.round(maxGap),
      peerStore,
    };
  } finally {
    clearInterval(gapTimer);
    clearInterval(heapTimer);
    manager?.stop();
    await withTimeout(node.stop(), 10_000, "light node stop").catch(() => {});
  }
}
