import { closeConnections } from "../peers/connections.js";
import type { PeerRecord } from "../peers/peer-table.js";
import { FAILURE_PENALTY, scoreAfterFailure, scoreAfterSuccess } from "../peers/score.js";
import type { DialPool } from "../recovery/dial-pool.js";
import type { Runtime } from "../runtime.js";
import type { ProtocolName } from "../types.js";

/**
 * A protocol worked or failed on a peer (the app's `reportFailure`/`reportSuccess`, the protocol
 * observer, the filter canary). A failure lowers the score — unless the device says it is
 * offline: then the failure is ours, recorded but not scored — and below the threshold the peer
 * is replaced. Peers the table does not know are ignored.
 */
export function recordOutcome(
  runtime: Runtime,
  pool: DialPool,
  peerId: string,
  protocol: ProtocolName,
  ok: boolean,
  reason?: string,
  penalty = FAILURE_PENALTY,
): void {
  const record = runtime.table.get(peerId);
  if (record === undefined || runtime.signal.aborted) return;
  if (ok) {
    runtime.table.updateScore(record, scoreAfterSuccess(record.score));
    return;
  }
  const failure = { protocol, reason: reason ?? "unspecified", at: runtime.clock.now() };
  const score = runtime.facts.online ? scoreAfterFailure(record.score, penalty) : record.score;
  runtime.table.updateScore(record, score, failure);
  runtime.event("peer:failure", peerId, `${protocol}: ${failure.reason}`);
  const threshold = runtime.options.peerPolicy.replaceBelowScore;
  if (score < threshold) replacePeer(runtime, pool, record, `score ${score} below ${threshold}`);
}

/** Hang up a failing peer and keep it out for the quarantine; recovery dials a spare if one is needed. */
export function replacePeer(runtime: Runtime, pool: DialPool, record: PeerRecord, reason: string): void {
  if (pool.blocks.reason(record.id) === "replaced") return;
  pool.blocks.block(record.id, "replaced", runtime.options.peerPolicy.quarantineMs);
  runtime.bus.emit("replaced", record.id);
  runtime.event("peer:replaced", record.id, reason);
  if (runtime.table.isConnected(record.id) || runtime.libp2p.getConnections(record.peerId).length > 0) {
    closeConnections(runtime, record.peerId, `replaced: ${reason}`, false);
  }
}
