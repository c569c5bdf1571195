/**
 * Provider leaks: mount/unmount cycles of a provider creating real light nodes against a fleet →
 * nodes left running (client peers the fleet still sees), handles that grew, heap growth; beside
 * @waku/react 0.0.8's `WakuProvider`, which never stops its node, so its cycles are capped (each
 * leaked node keeps running and dialing in the child until the child exits). Each side runs in its
 * own child process; see ../child/leaks-provider.tsx.
 */
import { lightNodeOptions, type Fleet } from "waku-peers-fleet";
import { runChild } from "../lib/child.js";
import { withFleet } from "../lib/fleets.js";
import { sumValues } from "../lib/heap.js";
import { sleep } from "../lib/time.js";
import { costRatio, type BenchContext, type Benchmark, type BenchRow } from "../types.js";
import type { LeaksProviderParams, LeaksProviderResult, ProviderSide } from "../child/leaks-provider.js";

interface Parameters {
  oursCycles: number;
  wakuReactCycles: number;
  warmupCycles: number;
  settleMs: number;
}

const FULL: Parameters = { oursCycles: 200, wakuReactCycles: 20, warmupCycles: 3, settleMs: 3_000 };
const SMOKE: Parameters = { oursCycles: 5, wakuReactCycles: 2, warmupCycles: 0, settleMs: 1_000 };
/**
 * Heap slope that still counts as flat, per cycle. A light node left running weighs about
 * 600 KiB (the @waku/react baseline's slope); leak-free runs of 200 cycles scatter by tens of KiB
 * per cycle, because a node that has just stopped may still hold buffers when the heap is sampled.
 */
const FLAT_HEAP_BYTES_PER_CYCLE = 128 * 1024;

/** Client peers (anything not a fleet node) connected to any fleet node, counted once each. */
async function fleetClients(fleet: Fleet): Promise<number> {
  const fleetPeers = new Set(fleet.nodes.map((node) => node.peerId));
  const clients = new Set<string>();
  for (const node of fleet.nodes) {
    for (const peer of (await fleet.stats(node.index)).connectedPeers) if (!fleetPeers.has(peer)) clients.add(peer);
  }
  return clients.size;
}

async function runSide(
  fleet: Fleet,
  side: ProviderSide,
  parameters: Parameters,
  context: BenchContext,
  another: boolean,
): Promise<LeaksProviderResult> {
  const params: LeaksProviderParams = {
    side,
    cycles: side === "ours" ? parameters.oursCycles : parameters.wakuReactCycles,
    warmupCycles: parameters.warmupCycles,
    options: lightNodeOptions(fleet),
    connectEvery: 10,
    settleMs: parameters.settleMs,
    cycleTimeoutMs: 15_000,
  };
  const result = await runChild<LeaksProviderResult>("leaks-provider", params, {
    timeoutMs: 400_000,
    log: context.log,
    // React's development build grows by itself on every mount; heap figures need the production one.
    env: { NODE_ENV: "production" },
    onCheckpoint: async () => fleetClients(fleet),
  });
  // The child has exited; its sockets are closed by the OS. Let the fleet notice before the next side.
  if (another) for (let attempt = 0; attempt < 50 && (await fleetClients(fleet)) > 0; attempt++) await sleep(100);
  return result;
}

const describe = (result: LeaksProviderResult): string =>
  `${result.warmupCycles} warm-up + ${result.cycles} cycles in ${(result.wallMs / 1000).toFixed(1)} s` +
  (result.timedOut > 0 ? ` (${result.timedOut} never ready within 15 s)` : "") +
  `: ${result.fleetClients} nodes still connected to the fleet, handles grown ${JSON.stringify(result.handles)}, ` +
  `heap +${(result.heapGrowthBytes / 2 ** 20).toFixed(1)} MiB over the run, ` +
  `${(result.heapBytesPerCycle / 1024).toFixed(1)} KiB/cycle over its second half`;

export const leaksProviderBenchmark: Benchmark = {
  rows: ["leaks-provider"],
  async run(context: BenchContext): Promise<BenchRow[]> {
    const parameters = context.smoke ? SMOKE : FULL;
    return withFleet({ nodes: 3 }, async (fleet) => {
      context.log(`leaks-provider: ours, ${parameters.oursCycles} cycles`);
      const ours = await runSide(fleet, "ours", parameters, context, true);
      context.log(`leaks-provider: @waku/react, ${parameters.wakuReactCycles} cycles`);
      const wakuReact = await runSide(fleet, "waku-react", parameters, context, false);
      // The slope, not the total: a one-time cost (code compiled, a cache sized once) is no leak.
      const heapFlat = ours.heapBytesPerCycle <= FLAT_HEAP_BYTES_PER_CYCLE;
      return [
        {
          name: "leaks-provider",
          ours: ours.fleetClients,
          baseline: wakuReact.fleetClients,
          ratio: costRatio(ours.fleetClients, wakuReact.fleetClients),
          unit: "nodes left",
          goal: `0 nodes left, no handles, heap ≤ ${FLAT_HEAP_BYTES_PER_CYCLE / 1024} KiB/cycle`,
          met: ours.fleetClients === 0 && sumValues(ours.handles) === 0 && (context.smoke || heapFlat),
          note:
            `real light nodes against a 3-node fleet, React 19 in happy-dom, one child process per side (--expose-gc), ` +
            `counted ${parameters.settleMs / 1000} s after the last unmount. ` +
            `Ours, WakuPeersProvider options=lightNodeOptions(fleet), ` +
            `a cycle lasts until useWakuNode() has the started node (every 10th until connected): ${describe(ours)}. ` +
            `Baseline, @waku/react 0.0.8 WakuProvider, a cycle lasts until useWaku().node is set (after waitForPeers), ` +
            `capped at ${parameters.wakuReactCycles} cycles because every node it creates keeps running: ${describe(wakuReact)}.`,
        },
      ];
    });
  },
};
