import type { Clock } from "../lifetime/clock.js";
import type { Lifetime } from "../lifetime/lifetime.js";
import { after } from "../lifetime/timers.js";
import type { DialGate } from "../sdk/dial-gate.js";

export type BlockReason = "surplus-bootstrap" | "replaced";

export interface PeerBlocks {
  /** Keeps a peer out; with `durationMs`, until then (`expired` is told). */
  block(id: string, reason: BlockReason, durationMs?: number): void;
  /** Lifts every block with this reason; returns the peers released. */
  unblockAll(reason: BlockReason): string[];
  isBlocked(id: string): boolean;
  reason(id: string): BlockReason | undefined;
  /** Some peer is blocked for this reason. */
  has(reason: BlockReason): boolean;
}

/**
 * Peers the manager keeps away: surplus bootstrap peers (until the others stop sufficing) and
 * replaced peers (for a quarantine). The dial gate stops the SDK from re-dialing them; `expired`
 * is told when a quarantine ends. Quarantine timers end with `lifetime`.
 */
export function createPeerBlocks(gate: DialGate, clock: Clock, lifetime: Lifetime, expired: (id: string) => void): PeerBlocks {
  const blocks = new Map<string, { reason: BlockReason; cancel: (() => void) | undefined }>();

  const unblock = (id: string): void => {
    const entry = blocks.get(id);
    if (entry === undefined) return;
    entry.cancel?.();
    blocks.delete(id);
    gate.unblock(id);
  };

  return {
    block(id, reason, durationMs) {
      unblock(id);
      const cancel =
        durationMs === undefined
          ? undefined
          : after(clock, lifetime, durationMs, () => {
              unblock(id);
              expired(id);
            });
      blocks.set(id, { reason, cancel });
      gate.block(id);
    },
    unblockAll(reason) {
      const ids = [...blocks].filter(([, entry]) => entry.reason === reason).map(([id]) => id);
      for (const id of ids) unblock(id);
      return ids;
    },
    isBlocked: (id) => blocks.has(id),
    reason: (id) => blocks.get(id)?.reason,
    has: (reason) => [...blocks.values()].some((entry) => entry.reason === reason),
  };
}
