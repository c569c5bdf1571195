/**
 * Hostile peer exchange: a light node whose only bootstrap node answers every peer-exchange
 * request with the fleet's `pxFlood` fault (5 000 records: closed ports, a tarpit, duplicates, 3
 * garbage records, the 3 good fleet nodes among them) → time until the requirements are met
 * through the good nodes, and heap growth, ours (shipped defaults) against the SDK alone. Each
 * side runs in a child process of its own (../child/hostile-px.ts), one after the other.
 */
import { lightNodeOptions, type Fleet } from "waku-peers-fleet";
import type { HostilePxParams, HostilePxResult, HostilePxSide } from "../child/hostile-px.js";
import { runChild } from "../lib/child.js";
import { startOurs } from "../lib/clients.js";
import { withFleet } from "../lib/fleets.js";
import { waitForState } from "../lib/store-watch.js";
import { now } from "../lib/time.js";
import { sideBySide, type BenchContext, type Benchmark, type BenchRow } from "../types.js";

interface Parameters {
  capMs: number;
  windowMs: number;
}

const FULL: Parameters = { capMs: 60_000, windowMs: 60_000 };
const SMOKE: Parameters = { capMs: 10_000, windowMs: 10_000 };
const GOAL_MS = 10_000;
/** The bound the integration test holds (test/integration/discovery-px-flood.test.ts). */
const GOAL_HEAP_BYTES = 48 * 2 ** 20;
const MIB = 2 ** 20;

/**
 * The flooding node builds its records when the fault is set (seconds, more under load): that is
 * the attacker's cost, not the client's. A light node of ours connecting through it once, before
 * anything is measured, waits that out.
 */
async function floodReady(fleet: Fleet, context: BenchContext): Promise<void> {
  const warmUp = await startOurs(fleet);
  try {
    const sample = await waitForState(warmUp.manager.store, (state) => state.status === "connected", {
      since: now(),
      capMs: 120_000,
    });
    if (sample.capped) throw new Error("hostile-px: the warm-up client never connected through the flooding node");
  } finally {
    await warmUp.stop();
  }
  context.log("hostile-px: the flooding node answers");
}

function runSide(fleet: Fleet, side: HostilePxSide, parameters: Parameters, context: BenchContext): Promise<HostilePxResult> {
  const params: HostilePxParams = { side, options: lightNodeOptions(fleet), ...parameters };
  return runChild<HostilePxResult>("hostile-px", params, { timeoutMs: parameters.windowMs + 60_000, log: context.log });
}

const describe = (result: HostilePxResult): string =>
  `${
    result.connected.capped
      ? `not connected within ${result.connected.value / 1000} s`
      : `connected after ${(result.connected.value / 1000).toFixed(2)} s`
  }, ` +
  `heap +${(result.heapGrowthBytes / MIB).toFixed(1)} MiB after collection ` +
  `(peak +${(result.peakHeapGrowthBytes / MIB).toFixed(1)} MiB), ` +
  `peer store ${result.peerStore}, longest event-loop gap ${result.maxEventLoopGapMs} ms`;

export const hostilePxBenchmark: Benchmark = {
  rows: ["hostile-px"],
  async run(context: BenchContext): Promise<BenchRow[]> {
    const parameters = context.smoke ? SMOKE : FULL;
    return withFleet({ nodes: 4, bootstrap: 1, overrides: { 0: { fault: { pxFlood: {} } } } }, async (fleet) => {
      await floodReady(fleet, context);
      const ours = await runSide(fleet, "ours", parameters, context);
      const sdk = await runSide(fleet, "sdk", parameters, context);
      return [
        {
          name: "hostile-px",
          ...sideBySide([ours.connected], [sdk.connected]).fields,
          unit: "ms",
          goal: `connected ≤ ${GOAL_MS / 1000} s, heap growth ≤ ${GOAL_HEAP_BYTES / MIB} MiB`,
          met: !ours.connected.capped && ours.connected.value <= GOAL_MS && ours.heapGrowthBytes <= GOAL_HEAP_BYTES,
          note:
            `one run per side, each in its own child process, ${parameters.windowMs / 1000} s from node creation; ` +
            `a 4-node fleet whose ` +
            `bootstrap node floods peer exchange (pxFlood defaults). Ours, shipped defaults: ${describe(ours)}. ` +
            `SDK alone: ${describe(sdk)}.`,
        },
      ];
    });
  },
};
