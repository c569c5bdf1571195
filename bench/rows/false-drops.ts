/**
 * False drops: healthy peers dropped over a window in which nothing is wrong with them. Every node
 * of a 3-node fleet delays each reply (pings included) by 300 ms ± 150 ms, and halfway through the
 * window this process blocks its own event loop for 6 s (a long task, a debugger pause): both are
 * the client's or the link's doing, never the peers'. Counted on each light node: the
 * `peer:disconnect` events for fleet nodes (every node stays up, so each one is a false drop).
 * The SDK alone beside ours, on the same fleet during the same window and the same stall.
 */
import type { LightNode } from "@waku/sdk";

import type { Fleet } from "waku-peers-fleet";
import { stopAll, type OurClient, type SdkClient } from "../lib/clients.js";
import { nodeIndexes, withFleet } from "../lib/fleets.js";
import { sleep } from "../lib/time.js";
import { startBothConnected } from "../lib/trials.js";
import { costRatio, type BenchContext, type Benchmark, type BenchRow } from "../types.js";

interface Parameters {
  windowMs: number;
  latencyMs: number;
  jitterMs: number;
  /** The synchronous stall of this process, at the middle of the window. */
  stallMs: number;
}

const FULL: Parameters = { windowMs: 60_000, latencyMs: 300, jitterMs: 150, stallMs: 6_000 };
const SMOKE: Parameters = { windowMs: 2_000, latencyMs: 50, jitterMs: 25, stallMs: 300 };

export const falseDropsBenchmark: Benchmark = {
  rows: ["false-drops"],
  async run(context: BenchContext): Promise<BenchRow[]> {
    const parameters = context.smoke ? SMOKE : FULL;
    return withFleet({ nodes: 3 }, async (fleet) => {
      let sdk: SdkClient | undefined;
      let ours: OurClient | undefined;
      try {
        [sdk, ours] = await startBothConnected(fleet, "before the window");
        const drops = await countDrops(fleet, [sdk.node, ours.node], parameters);
        context.log(`false-drops: ours ${drops[1]}, SDK alone ${drops[0]}`);
        return [toRow(drops[1] ?? 0, drops[0] ?? 0, parameters)];
      } finally {
        await Promise.allSettled(nodeIndexes(fleet).map((index) => fleet.setFault(index, {})));
        await stopAll([sdk, ours]);
      }
    });
  },
};

/** Disconnects of fleet nodes seen by each light node during the window (latency on, one stall). */
async function countDrops(fleet: Fleet, nodes: readonly LightNode[], parameters: Parameters): Promise<number[]> {
  const fleetPeers = new Set(fleet.nodes.map((node) => node.peerId));
  const counts = nodes.map(() => 0);
  const listeners = nodes.map((node, index) => {
    const listener = (event: CustomEvent<{ toString(): string }>): void => {
      if (fleetPeers.has(event.detail.toString())) counts[index]! += 1;
    };
    node.libp2p.addEventListener("peer:disconnect", listener);
    return () => node.libp2p.removeEventListener("peer:disconnect", listener);
  });
  try {
    const fault = { latencyMs: parameters.latencyMs, jitterMs: parameters.jitterMs };
    await Promise.all(nodeIndexes(fleet).map((index) => fleet.setFault(index, fault)));
    await sleep(parameters.windowMs / 2);
    blockEventLoop(parameters.stallMs);
    await sleep(parameters.windowMs / 2);
    return counts;
  } finally {
    for (const remove of listeners) remove();
  }
}

/** What a long task does to a tab: nothing else runs meanwhile, timers included. */
function blockEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy on purpose
  }
}

function toRow(ours: number, sdk: number, parameters: Parameters): BenchRow {
  return {
    name: "false-drops",
    ours,
    baseline: sdk,
    ratio: costRatio(ours, sdk),
    unit: "drops",
    goal: "0",
    met: ours === 0,
    note:
      `3-node fleet, every node delaying each reply (pings included) ` +
      `by ${parameters.latencyMs} ms ± ${parameters.jitterMs} ms; ` +
      `${parameters.windowMs / 1000} s window with one ${parameters.stallMs / 1000} s ` +
      `synchronous stall of the light nodes' event loop ` +
      `at its middle; count of libp2p \`peer:disconnect\` events for fleet nodes (all stay up: every one is a false drop), ` +
      `ours beside the SDK alone during the same window.`,
  };
}
