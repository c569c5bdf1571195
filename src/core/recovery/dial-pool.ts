import type { CandidateIndex, DialCandidate } from "../discovery/candidate-index.js";
import { errorMessage } from "../errors.js";
import type { Lifetime } from "../lifetime/lifetime.js";
import { deadline } from "../lifetime/timers.js";
import { DEFAULT_OPTIONS } from "../options/parse-options.js";
import { orderedCandidates } from "../policy/dial-order.js";
import type { PeerBlocks } from "../policy/peer-blocks.js";
import type { Runtime } from "../runtime.js";
import type { ConnectionLike } from "../sdk/node-boundary.js";

export interface DialRun {
  /** Dials in flight at once. */
  concurrency: number;
  /** Ending it abandons the dials in flight; an abandoned dial is no failure of the peer. */
  lifetime: Lifetime;
  /** Checked before each new dial: stop starting dials (e.g. the requirements are met). */
  enough?(): boolean;
  started?(candidate: DialCandidate): void;
  finished?(candidate: DialCandidate, connected: boolean): void;
}

/** The one way the manager dials: the recovery loop, `reconnect()` and the peer cache all use it. */
export interface DialPool {
  /** The candidate index the pool books dial outcomes in. */
  readonly index: CandidateIndex;
  /** Peers kept from being dialed, by the pool and (through the dial gate) by the SDK. */
  readonly blocks: PeerBlocks;
  /** Every candidate, in the peer policy's dial order. Rejects when the peer store cannot be read. */
  candidates(): Promise<DialCandidate[]>;
  /** Resolves once every dial started has settled. Never rejects. */
  run(candidates: readonly DialCandidate[], run: DialRun): Promise<void>;
}

/**
 * Dials candidates `concurrency` at a time; a failed dial frees its slot for the next candidate.
 * Each dial is bounded by the dial timeout, and its outcome is booked in one place: a success
 * clears the peer's last dial failure (and tags a cached peer `peer-cache`, as the SDK's own peer
 * cache does); a failure is recorded on the peer (it never costs score: it says as much about our
 * network as about the peer) and logged once per peer per outage, so a minute of retries does not
 * flush the event log.
 */
export function createDialPool(runtime: Runtime, index: CandidateIndex, blocks: PeerBlocks): DialPool {
  const timeoutMs = (runtime.options.recovery ?? DEFAULT_OPTIONS.recovery)?.dialTimeoutMs ?? 0;
  const logged = new Set<string>();
  runtime.bus.on("committed", ({ previous, next }) => {
    if (next.status === "connected" && previous.status !== "connected") logged.clear();
  });

  const failed = (candidate: DialCandidate, reason: string): void => {
    const at = runtime.clock.now();
    index.noteDialFailure(candidate.id, at);
    const record = runtime.table.get(candidate.id);
    if (record !== undefined) runtime.table.updateScore(record, record.score, { protocol: "dial", reason, at });
    if (logged.has(candidate.id)) return;
    logged.add(candidate.id);
    runtime.event("peer:dial-failed", candidate.id, reason);
  };

  const dialOne = async (candidate: DialCandidate, owner: Lifetime): Promise<boolean> => {
    const limit = deadline(runtime.clock, owner, timeoutMs, () => new Error(`dial timed out after ${timeoutMs} ms`));
    try {
      const connection = (await runtime.libp2p.dial(candidate.target, { signal: limit.signal })) as Partial<ConnectionLike> | undefined;
      index.noteDialSuccess(candidate.id);
      if (candidate.cached && connection?.remotePeer !== undefined) {
        runtime.libp2p.peerStore.merge?.(connection.remotePeer, { tags: { "peer-cache": { value: 50 } } }).catch(() => {});
      }
      return true;
    } catch (error) {
      if (!owner.ended) failed(candidate, limit.ended ? errorMessage(limit.signal.reason) : errorMessage(error));
      return false;
    } finally {
      limit.release();
    }
  };

  return {
    index,
    blocks,
    candidates: () => orderedCandidates(runtime, index, blocks),
    async run(candidates, run) {
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < candidates.length && !run.lifetime.ended && run.enough?.() !== true) {
          const candidate = candidates[next++] as DialCandidate;
          run.started?.(candidate);
          const connected = await dialOne(candidate, run.lifetime);
          run.finished?.(candidate, connected);
        }
      };
      await Promise.all(Array.from({ length: Math.min(run.concurrency, candidates.length) }, worker));
    },
  };
}
