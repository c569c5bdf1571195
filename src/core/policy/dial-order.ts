import type { CandidateIndex, DialCandidate } from "../discovery/candidate-index.js";
import type { Runtime } from "../runtime.js";
import type { PeerBlocks } from "./peer-blocks.js";
import { orderDialCandidates } from "./peer-policy.js";

/** Every candidate from the manager's index, in the peer policy's dial order (blocked and low-scored peers left out). */
export async function orderedCandidates(runtime: Runtime, index: CandidateIndex, blocks: PeerBlocks): Promise<DialCandidate[]> {
  const candidates = await index.list((id) => runtime.table.get(id)?.score);
  return orderDialCandidates(candidates, {
    startup: runtime.store.getState().firstConnectedAt === undefined,
    isBlocked: (id) => blocks.isBlocked(id),
    replaceBelowScore: runtime.options.peerPolicy.replaceBelowScore,
    random: runtime.random,
    now: runtime.clock.now(),
  });
}
