/** Trials of an end-to-end row one after another on one fleet, each logged as it ends. */
import type { Fleet, FleetOptions } from "waku-peers-fleet";
import { startOurs, startSdkAlone, stopAll, type OurClient, type SdkClient } from "./clients.js";
import { withFleet } from "./fleets.js";
import { requireRequirementsMet } from "./observer.js";

export interface SequentialTrials<T> {
  fleet: FleetOptions;
  trials: number;
  /** `another`: a trial follows (put the fleet back for it). */
  run(fleet: Fleet, trial: number, another: boolean): Promise<T>;
  log(result: T, trial: number): void;
}

/**
 * Runs `trials` trials on one fleet, closed at the end whatever happens.
 *
 * @example
 * const results = await sequentialTrials({
 *   fleet: { nodes: 3 },
 *   trials: 5,
 *   run: runTrial,
 *   log: (r, i) => context.log(`trial ${i + 1}: ${r}`),
 * });
 */
export function sequentialTrials<T>(plan: SequentialTrials<T>): Promise<T[]> {
  return withFleet(plan.fleet, async (fleet) => {
    const results: T[] = [];
    for (let trial = 0; trial < plan.trials; trial++) {
      const result = await plan.run(fleet, trial, trial + 1 < plan.trials);
      plan.log(result, trial);
      results.push(result);
    }
    return results;
  });
}

/**
 * The SDK alone and ours on `fleet`, both meeting the requirements (else both stopped and an
 * error naming `moment`).
 *
 * @example
 * const [sdk, ours] = await startBothConnected(fleet, "before the kill");
 */
export async function startBothConnected(fleet: Fleet, moment: string): Promise<[SdkClient, OurClient]> {
  const [sdk, ours] = await Promise.all([startSdkAlone(fleet), startOurs(fleet)]);
  try {
    await Promise.all([
      requireRequirementsMet(sdk.node.libp2p, `SDK alone ${moment}`),
      requireRequirementsMet(ours.node.libp2p, `ours ${moment}`),
    ]);
  } catch (error) {
    await stopAll([sdk, ours]);
    throw error;
  }
  return [sdk, ours];
}
