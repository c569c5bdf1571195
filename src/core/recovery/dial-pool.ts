import type { CandidateIndex, DialCandidate } from "../discovery/candidate-index.js";
import { errorMessage } from "../errors.js";
import type { Lifetime } from "../lifetime/lifetime.js";
import { deadline } from "../lifetime/timers.js";
import { DEFAULT_OPTIONS } from "../options/parse-options.js";
import { orderedCandidates } from "../policy/dial-order.js";
import type { PeerBlocks } from "../policy/peer-blocks.js";
import type { Runtime } from "../runtime.js";
import { closeFailedUpgrades } from "../sdk/close-failed-upgrades.js";
import type { ConnectionLike } from "../sdk/node-boundary.js";

/**
 * A dial still pending after this long stops holding its run (a tarpit accepts TCP and never
 * answers, so its dial lasts the whole timeout): the run moves on and may end while the dial
 * goes on in the background, still bounded by the dial timeout and booked when it settles.
 * Loopback dials take tens of ms, dials over the internet well under a second.
 */
export const SLOW_DIAL_MS = 1_000;
/** Dials in flight at once across every run, background ones included. */
export const MAX_DIALS_IN_FLIGHT = 16;

export interface DialFailure {
  reason: string;
  /** The dial connected, but to another peer than the one dialed (its address is someone else's now). */
  wrongPeer: boolean;
}

export interface DialRun {
  /** Dials a run waits on at once. */
  concurrency: number;
  /**
   * Aborting it abandons the run's dials in flight (an abandoned dial is no failure of the
   * peer); releasing it after the run resolved leaves background dials to finish.
   */
  lifetime: Lifetime;
  /** Checked before each new dial: stop starting dials (e.g. the requirements are met). */
  enough?(): boolean;
  started?(candidate: DialCandidate): void;
  /** When the dial settles, which for a slow dial can be after the run resolved. */
  finished?(candidate: DialCandidate, connected: boolean): void;
}

/** The one way the manager dials: the recovery loop, `reconnect()` and the peer cache all use it. */
export interface DialPool {
  /** The candidate index the pool books dial outcomes in. */
  readonly index: CandidateIndex;
  /** Peers kept from being dialed, by the pool and (through the dial gate) by the SDK. */
  readonly blocks: PeerBlocks;
  /** Every candidate not being dialed now, in the peer policy's dial order. Rejects when the peer store cannot be read. */
  candidates(): Promise<DialCandidate[]>;
  /**
   * Dials the candidates in order, skipping any already being dialed. Resolves once every dial
   * it started has settled or gone slow ({@link SLOW_DIAL_MS}). Never rejects.
   */
  run(candidates: readonly DialCandidate[], run: DialRun): Promise<void>;
  /** Called with every failed dial once it is booked (the peer cache counts failures of its peers). Ends with the manager. */
  onDialFailed(listener: (candidate: DialCandidate, failure: DialFailure) => void): void;
}

/**
 * Dials candidates `concurrency` at a time; a failed or slow dial frees its slot for the next
 * candidate. Each dial is bounded by the dial timeout, and its outcome is booked in one place:
 * a success clears the peer's last dial failure (and tags a cached peer `peer-cache`, as the
 * SDK's own peer cache does); a failure is recorded on the peer (it never costs score: it says
 * as much about our network as about the peer) and logged once per peer per outage, so a minute
 * of retries does not flush the event log. A dial that reaches another peer than the one dialed
 * (libp2p 2.8 does not check the `/p2p/` id of an outbound dial) is a failure too.
 */
export function createDialPool(runtime: Runtime, index: CandidateIndex, blocks: PeerBlocks): DialPool {
  const timeoutMs = (runtime.options.recovery ?? DEFAULT_OPTIONS.recovery)?.dialTimeoutMs ?? 0;
  const logged = new Set<string>();
  const inFlight = new Set<string>();
  const failureListeners: ((candidate: DialCandidate, failure: DialFailure) => void)[] = [];
  // Stopping aborts this pool's dials in flight, and libp2p leaks the socket of a dial aborted
  // just before its upgrade. Deliberately never undone: the node's sockets outlive the manager.
  closeFailedUpgrades(runtime.libp2p);
  runtime.lifetime.onEnd(() => void failureListeners.splice(0));
  runtime.bus.on("committed", ({ previous, next }) => {
    if (next.status === "connected" && previous.status !== "connected") logged.clear();
  });

  const failed = (candidate: DialCandidate, reason: string, wrongPeer = false): void => {
    const at = runtime.clock.now();
    index.noteDialFailure(candidate.id, at);
    const record = runtime.table.get(candidate.id);
    if (record !== undefined) runtime.table.updateScore(record, record.score, { protocol: "dial", reason, at });
    for (const listener of failureListeners) listener(candidate, { reason, wrongPeer });
    if (logged.has(candidate.id)) return;
    logged.add(candidate.id);
    runtime.event("peer:dial-failed", candidate.id, reason);
  };

  const succeeded = (candidate: DialCandidate, connection: Partial<ConnectionLike> | undefined): boolean => {
    const remote = connection?.remotePeer?.toString();
    if (remote !== undefined && remote !== candidate.id) {
      failed(candidate, `the address answered as ${remote}, not as ${candidate.id}`, true);
      return false;
    }
    index.noteDialSuccess(candidate.id);
    if (candidate.cached && connection?.remotePeer !== undefined) {
      runtime.libp2p.peerStore.merge?.(connection.remotePeer, { tags: { "peer-cache": { value: 50 } } }).catch(() => {});
    }
    return true;
  };

  /** One dial, bounded by the timeout; aborted only when its run is (a released run leaves it be). */
  const dialOne = async (candidate: DialCandidate, owner: Lifetime): Promise<boolean> => {
    const limit = deadline(runtime.clock, runtime.lifetime, timeoutMs, () => new Error(`dial timed out after ${timeoutMs} ms`));
    let abandoned = false;
    const unlink = owner.onEnd(() => {
      if (!owner.signal.aborted) return;
      abandoned = true;
      limit.end(owner.signal.reason);
    });
    inFlight.add(candidate.id);
    try {
      return succeeded(
        candidate,
        (await runtime.libp2p.dial(candidate.target, { signal: limit.signal })) as Partial<ConnectionLike> | undefined,
      );
    } catch (error) {
      if (!abandoned && !runtime.signal.aborted)
        failed(candidate, limit.ended ? errorMessage(limit.signal.reason) : errorMessage(error));
      return false;
    } finally {
      inFlight.delete(candidate.id);
      unlink();
      limit.release();
    }
  };

  return {
    index,
    blocks,
    // A peer being dialed (a slow dial in the background) is no candidate for another run.
    candidates: async () => (await orderedCandidates(runtime, index, blocks)).filter((candidate) => !inFlight.has(candidate.id)),
    onDialFailed: (listener) => void failureListeners.push(listener),
    run: (candidates, run) => runDials(runtime, candidates, run, inFlight, dialOne),
  };
}

/** Workers take the candidates in order, skipping any being dialed, until the run is enough or ends. */
async function runDials(
  runtime: Runtime,
  candidates: readonly DialCandidate[],
  run: DialRun,
  inFlight: ReadonlySet<string>,
  dialOne: (candidate: DialCandidate, owner: Lifetime) => Promise<boolean>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < candidates.length && !run.lifetime.ended && run.enough?.() !== true && inFlight.size < MAX_DIALS_IN_FLIGHT) {
      const candidate = candidates[next++] as DialCandidate;
      if (inFlight.has(candidate.id)) continue;
      run.started?.(candidate);
      const dial = dialOne(candidate, run.lifetime).then((connected) => run.finished?.(candidate, connected));
      await slowAfter(runtime, dial);
    }
  };
  await Promise.all(Array.from({ length: Math.min(run.concurrency, candidates.length) }, worker));
}

/** Resolves when `dial` settles, {@link SLOW_DIAL_MS} has passed or the manager stops, whichever is first. */
function slowAfter(runtime: Runtime, dial: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const wait = deadline(runtime.clock, runtime.lifetime, SLOW_DIAL_MS, () => new Error("slow dial"));
    wait.onEnd(resolve);
    void dial.finally(() => wait.release());
  });
}
