/**
 * Restart recovery: every node of a fleet down (SIGKILL), then restarted on the same ports with
 * the same keys → time from the moment the last node is back to the requirements being met again,
 * the SDK alone beside ours, timed by the neutral observer on each light node.
 *
 * The SDK alone needs about a minute per trial, so trials overlap in wall time: one 3-node fleet
 * per trial, both light nodes on it during the same outage, outages staggered so that no two
 * restarts (the CPU-heavy moment) coincide. The waiting is idle time.
 */
import type { Fleet } from "waku-peers-fleet";
import { startOurs, startSdkAlone, stopAll, type OurClient, type SdkClient } from "../lib/clients.js";
import { nodeIndexes, startBenchFleet } from "../lib/fleets.js";
import { BENCH_REQUIREMENTS, requireRequirementsMet, untilRequirementsMet } from "../lib/observer.js";
import { waitForState } from "../lib/store-watch.js";
import { now, seconds, sleep } from "../lib/time.js";
import {
  medianSample,
  sideBySide,
  spread,
  trialCount,
  type BenchContext,
  type Benchmark,
  type BenchRow,
  type Sample,
} from "../types.js";

const FULL_TRIALS = 5;
const GOAL_RATIO = 30;

interface Parameters {
  outageMs: number;
  /** Both sides give up here; a capped figure is reported as "at least". */
  capMs: number;
  /** Between two trials' outages: long enough for ours to finish before the next restart. */
  staggerMs: number;
}

const FULL: Parameters = { outageMs: 15_000, capMs: 120_000, staggerMs: 10_000 };
const SMOKE: Parameters = { outageMs: 2_000, capMs: 5_000, staggerMs: 0 };

interface TrialResult {
  ours: Sample;
  sdk: Sample;
  /** Ours, read from its own store: status `connected`. */
  oursStatus: Sample;
  /** How long the restart itself took (processes up and listening). */
  restartMs: number;
}

/** Counted from the restart command instead: includes the node processes' own boot. */
const fromCommand = (sample: Sample, restartMs: number): Sample => ({
  value: sample.value + restartMs / 1000,
  capped: sample.capped,
});

export const restartRecoveryBenchmark: Benchmark = {
  rows: ["restart-recovery"],
  async run(context: BenchContext): Promise<BenchRow[]> {
    const parameters = context.smoke ? SMOKE : FULL;
    const trials = trialCount(context, FULL_TRIALS);
    context.log(`restart-recovery: starting ${trials} fleet(s) of 3 nodes`);
    const fleets = await Promise.all(Array.from({ length: trials }, () => startBenchFleet({ nodes: 3 })));
    const clients: (SdkClient | undefined)[] = [];
    try {
      const pairs = await Promise.all(
        fleets.map(async (fleet) => {
          const [sdk, ours] = await Promise.all([startSdkAlone(fleet), startOurs(fleet)]);
          clients.push(sdk, ours);
          await Promise.all([
            requireRequirementsMet(sdk.node.libp2p, "SDK alone before the outage"),
            requireRequirementsMet(ours.node.libp2p, "ours before the outage"),
          ]);
          return { fleet, sdk, ours };
        }),
      );
      const startedAt = now();
      const results = await Promise.all(
        pairs.map(async ({ fleet, sdk, ours }, index) => {
          await sleep(Math.max(0, startedAt + index * parameters.staggerMs - now()));
          const result = await runTrial(fleet, sdk, ours, parameters);
          context.log(
            `restart-recovery: trial ${index + 1}/${trials}: ours ${show(result.ours)} s, SDK alone ${show(result.sdk)} s`,
          );
          return result;
        }),
      );
      return [toRow(results, parameters)];
    } finally {
      await stopAll(clients);
      await Promise.allSettled(fleets.map((fleet) => fleet.close()));
    }
  },
};

async function runTrial(fleet: Fleet, sdk: SdkClient, ours: OurClient, parameters: Parameters): Promise<TrialResult> {
  const indexes = nodeIndexes(fleet);
  const downAt = now();
  await Promise.all(indexes.map((index) => fleet.kill(index)));
  await sleep(Math.max(0, downAt + parameters.outageMs - now()));
  const restartAt = now();
  await Promise.all(indexes.map((index) => fleet.restart(index)));
  const backAt = now();
  const window = { since: backAt, capMs: parameters.capMs };
  const [oursSample, sdkSample, oursStatus] = await Promise.all([
    untilRequirementsMet(ours.node.libp2p, window),
    untilRequirementsMet(sdk.node.libp2p, window),
    waitForState(ours.manager.store, (state) => state.status === "connected", window),
  ]);
  const toSeconds = (sample: Sample): Sample => ({ value: seconds(sample.value), capped: sample.capped });
  return {
    ours: toSeconds(oursSample),
    sdk: toSeconds(sdkSample),
    oursStatus: toSeconds(oursStatus),
    restartMs: backAt - restartAt,
  };
}

function toRow(results: readonly TrialResult[], parameters: Parameters): BenchRow {
  const { ours, fields } = sideBySide(
    results.map((result) => result.ours),
    results.map((result) => result.sdk),
  );
  const status = medianSample(results.map((result) => result.oursStatus));
  const restart = Math.max(...results.map((result) => result.restartMs));
  const oursFromCommand = medianSample(results.map((result) => fromCommand(result.ours, result.restartMs)));
  const sdkFromCommand = medianSample(results.map((result) => fromCommand(result.sdk, result.restartMs)));
  const { lightPush, filter, store } = BENCH_REQUIREMENTS;
  return {
    name: "restart-recovery",
    ...fields,
    unit: "s",
    goal: `≥ ${GOAL_RATIO}× faster than the SDK alone`,
    met: !ours.capped && fields.ratio !== null && fields.ratio >= GOAL_RATIO,
    note:
      `median of ${results.length} trial(s); each: a 3-node fleet, both light nodes on it, every node SIGKILLed, ` +
      `down ${seconds(parameters.outageMs)} s, restarted on the same ports and keys; timed from the moment the last node ` +
      `was listening again (restarts took ≤ ${restart.toFixed(0)} ms) until the neutral observer saw ` +
      `${lightPush} light push / ${filter} filter / ${store} store peers. Trials overlap in wall time on separate fleets, ` +
      `outages staggered ${seconds(parameters.staggerMs)} s. ` +
      `Both sides capped at ${seconds(parameters.capMs)} s (≥ = capped). ` +
      `Spread: ours ${spread(results.map((result) => result.ours))} s, ` +
      `SDK alone ${spread(results.map((result) => result.sdk))} s; ` +
      `ours' own status said connected at a median ${show(status)} s. Counted from the restart command instead ` +
      `(node processes booting included): ours ${show(oursFromCommand)} s, SDK alone ${show(sdkFromCommand)} s.`,
  };
}

const show = (sample: Sample): string => `${sample.capped ? "≥" : ""}${sample.value.toFixed(1)}`;
