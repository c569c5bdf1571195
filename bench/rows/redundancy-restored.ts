/**
 * Redundancy restored: a spare service node (one both light nodes are connected to while the
 * requirements are met without it) is SIGKILLed, stays down until both have dropped it, and is
 * restarted on the same port with the same key → time from the moment it is listening again to
 * each light node having an open connection to it (the neutral observer's count). No
 * `reconnect()`, no click: ours' redundancy target re-dials it on its own cadence; the SDK alone
 * waits out its failed-dial cooldown, if it dials it again at all. Fresh light nodes per trial.
 */
import type { Fleet } from "waku-peers-fleet";
import { stopAll, type OurClient, type SdkClient } from "../lib/clients.js";
import { connectedPeerIds, waitForNode } from "../lib/observer.js";
import { waitForState } from "../lib/store-watch.js";
import { now, seconds } from "../lib/time.js";
import { sequentialTrials, startBothConnected } from "../lib/trials.js";
import {
  showSample as show,
  sideBySide,
  spread,
  trialCount,
  type BenchContext,
  type Benchmark,
  type BenchRow,
  type Sample,
} from "../types.js";

const FULL_TRIALS = 3;
const GOAL_S = 2;
/** The SDK alone's failed-dial cooldown is 60 s; past this a side is reported as "at least". */
const FULL_CAP_MS = 20_000;
const SMOKE_CAP_MS = 10_000;
/** Setup steps (both connected to the spare, both dropped it) take well under this on loopback. */
const STEP_CAP_MS = 15_000;

type TrialResult = Record<"ours" | "sdk", Sample>;

export const redundancyRestoredBenchmark: Benchmark = {
  rows: ["redundancy-restored"],
  async run(context: BenchContext): Promise<BenchRow[]> {
    const trials = trialCount(context, FULL_TRIALS);
    const capMs = context.smoke ? SMOKE_CAP_MS : FULL_CAP_MS;
    const results = await sequentialTrials({
      fleet: { nodes: 3 },
      trials,
      run: (fleet) => runTrial(fleet, capMs),
      log: (result, trial) =>
        context.log(
          `redundancy-restored: trial ${trial + 1}/${trials}: ours ${show(result.ours)} s, SDK alone ${show(result.sdk)} s`,
        ),
    });
    return [toRow(results, capMs)];
  },
};

async function runTrial(fleet: Fleet, capMs: number): Promise<TrialResult> {
  let sdk: SdkClient | undefined;
  let ours: OurClient | undefined;
  try {
    [sdk, ours] = await startBothConnected(fleet, "before the kill");
    const clients = [sdk, ours];
    const spare = fleet.nodes.find((node) => node.role === "service");
    if (spare === undefined) throw new Error("redundancy-restored: the fleet has no service node");
    const connectedToSpare = (client: SdkClient) => (): boolean => connectedPeerIds(client.node.libp2p).has(spare.peerId);
    const bothConnected = await Promise.all(
      clients.map((client) => waitForNode(client.node.libp2p, connectedToSpare(client), { since: now(), capMs: STEP_CAP_MS })),
    );
    if (bothConnected.some((sample) => sample.capped))
      throw new Error("redundancy-restored: a light node never connected to the spare");
    // In use: identified by ours (a peer killed before identify ever ran is not yet one ours knows to serve).
    const inUse = await waitForState(ours.manager.store, (state) => state.peers[spare.peerId]?.connected === true, {
      since: now(),
      capMs: STEP_CAP_MS,
    });
    if (inUse.capped) throw new Error("redundancy-restored: ours never counted the spare");
    await fleet.kill(spare.index);
    const dropped = await Promise.all(
      clients.map((client) =>
        waitForNode(client.node.libp2p, () => !connectedToSpare(client)(), { since: now(), capMs: STEP_CAP_MS }),
      ),
    );
    if (dropped.some((sample) => sample.capped)) throw new Error("redundancy-restored: a light node kept the killed spare");
    await fleet.restart(spare.index);
    const window = { since: now(), capMs };
    const [sdkSample, oursSample] = await Promise.all(
      clients.map((client) => waitForNode(client.node.libp2p, connectedToSpare(client), window)),
    );
    const toSeconds = (sample: Sample): Sample => ({ value: seconds(sample.value), capped: sample.capped });
    return { ours: toSeconds(oursSample!), sdk: toSeconds(sdkSample!) };
  } finally {
    await stopAll([sdk, ours]);
  }
}

function toRow(results: readonly TrialResult[], capMs: number): BenchRow {
  const { ours, fields } = sideBySide(
    results.map((result) => result.ours),
    results.map((result) => result.sdk),
  );
  return {
    name: "redundancy-restored",
    ...fields,
    unit: "s",
    goal: `≤ ${GOAL_S} s`,
    met: !ours.capped && ours.value <= GOAL_S,
    note:
      `median of ${results.length} trial(s); 3-node fleet, a service node both light nodes use (ours counting it) ` +
      `SIGKILLed, restarted once both ` +
      `dropped it; from the restart being listening to an open connection to it again (neutral observer), no reconnect(). ` +
      `Cap ${seconds(capMs)} s (≥ = capped; the SDK alone's failed-dial cooldown is 60 s). ` +
      `Spread: ours ${spread(results.map((r) => r.ours))} s, SDK alone ${spread(results.map((r) => r.sdk))} s.`,
  };
}
