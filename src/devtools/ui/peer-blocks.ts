import type { PeerEvent } from "../../core/index.js";

/** Why the manager keeps a peer away, as its events tell it. */
export interface PeerBlock {
  kind: "quarantined" | "parked";
  since: number;
  reason: string;
}

/**
 * The peers the manager keeps away right now, read from its events: `peer:replaced` starts a
 * quarantine, a `peer:parked` for a surplus bootstrap peer parks it, and `peer:parked` with
 * "quarantine over" or "released…" ends either. (The state has no block list of its own; the
 * panel's event history reaches back far enough for the default 2-minute quarantine.)
 *
 * @example
 * peerBlocks(history).get(peerId); // { kind: "quarantined", since, reason: "score 40 below 50" }
 */
export function peerBlocks(events: readonly PeerEvent[]): Map<string, PeerBlock> {
  const blocks = new Map<string, PeerBlock>();
  for (const event of events) {
    if (event.peerId === undefined) continue;
    if (event.type === "peer:replaced")
      blocks.set(event.peerId, { kind: "quarantined", since: event.at, reason: event.detail ?? "replaced" });
    else if (event.type === "peer:parked" && event.detail?.startsWith("surplus bootstrap"))
      blocks.set(event.peerId, { kind: "parked", since: event.at, reason: event.detail });
    else if (event.type === "peer:parked") blocks.delete(event.peerId);
  }
  return blocks;
}
