import type { PeerEvent, WakuPeersState } from "../core/types.js";

/**
 * Why a back-fill runs: every event after which messages may be missing, plus the app's own
 * start (from the persisted last-seen time) and a manual request.
 */
export type BackfillReason =
  | "app-start"
  | "connection-lost"
  | "reconnected"
  | "restored"
  | "filter-peer-lost"
  | "resumed"
  | "store-peer-available"
  | "retry"
  | "manual";

/** Environment hints after which a page may have slept through messages. */
const RESUME_HINTS = new Set(["resume", "visible", "pageshow", "online"]);

/**
 * The loss signals between two states of the peer manager, read from its public state only:
 * live delivery lost (no longer connected or degraded with a filter peer), back to `connected`, `lost` → `restored`,
 * a connected filter peer gone (killed, frozen and cut by liveness, replaced for its score or by the canary), and a
 * resume / visible / online hint.
 *
 * @example
 * manager.store.subscribe((next, previous) => {
 *   if (lossSignals(previous, next).length > 0) startBackfill();
 * });
 */
export function lossSignals(previous: WakuPeersState, next: WakuPeersState): BackfillReason[] {
  const reasons: BackfillReason[] = [];
  // Raised when the loss begins, so live messages that still trickle in are held for the back-fill.
  if (isServing(previous) && !isServing(next)) reasons.push("connection-lost");
  // Back to connected after having been connected: the very first connection loses nothing.
  if (previous.status !== "connected" && next.status === "connected" && previous.firstConnectedAt !== undefined)
    reasons.push("reconnected");
  if (previous.lost !== "restored" && next.lost === "restored") reasons.push("restored");
  if (next.peers !== previous.peers && lostFilterPeer(previous, next)) reasons.push("filter-peer-lost");
  if (eventsSince(previous.events, next.events).some(isResumeHint)) reasons.push("resumed");
  return reasons;
}

/** Connected or degraded with a filter peer: live delivery can work. */
export function isServing(state: WakuPeersState): boolean {
  return (state.status === "connected" || state.status === "degraded") && state.health.filter.connected > 0;
}

function lostFilterPeer(previous: WakuPeersState, next: WakuPeersState): boolean {
  for (const [id, peer] of Object.entries(previous.peers)) {
    if (peer.connected && peer.protocols.includes("filter") && next.peers[id]?.connected !== true) return true;
  }
  return false;
}

/** Events in `next` that `previous` did not hold (the log is a ring buffer of immutable events). */
export function eventsSince(previous: readonly PeerEvent[], next: readonly PeerEvent[]): PeerEvent[] {
  if (previous === next) return [];
  const known = new Set(previous);
  return next.filter((event) => !known.has(event));
}

function isResumeHint(event: PeerEvent): boolean {
  return event.type === "hint" && event.detail !== undefined && RESUME_HINTS.has(event.detail);
}
