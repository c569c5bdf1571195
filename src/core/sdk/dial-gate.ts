import type { Lifetime } from "../lifetime/lifetime.js";
import type { PeerIdLike } from "./node-boundary.js";
import { connectionGater } from "./sdk-internals.js";

/**
 * Keeps chosen peers from being dialed — by the SDK too. The SDK's 5 s maintenance tick re-dials
 * every known peer it is not connected to (about 10 s after we hung one up); without a gate a
 * surplus bootstrap peer or a replaced peer would flap back every ten seconds.
 *
 * The gate wraps libp2p's connection gater (`denyDialPeer`, see `sdk-internals.ts`). Where it is
 * missing, `installed` is false and the manager falls back to hanging up a blocked peer as soon as
 * it connects. A gater the app configured keeps working: ours asks it for every peer we do not
 * block. The previous gater is restored when `lifetime` ends (when ours is still in place).
 */
export interface DialGate {
  /** The gater was found and wrapped. */
  readonly installed: boolean;
  block(id: string): void;
  unblock(id: string): void;
  isBlocked(id: string): boolean;
}

type DenyDialPeer = (peerId: PeerIdLike) => boolean | Promise<boolean>;

export function installDialGate(libp2p: unknown, lifetime: Lifetime): DialGate {
  const blocked = new Set<string>();
  const gater = connectionGater(libp2p);
  const previous = gater?.denyDialPeer;
  const ours: DenyDialPeer = (peerId) => {
    if (!lifetime.ended && blocked.has(peerId.toString())) return true;
    return previous === undefined ? false : previous.call(gater, peerId);
  };
  if (gater !== undefined) {
    gater.denyDialPeer = ours;
    lifetime.onEnd(() => {
      blocked.clear();
      if (gater.denyDialPeer !== ours) return;
      if (previous === undefined) delete gater.denyDialPeer;
      else gater.denyDialPeer = previous;
    });
  }
  return {
    installed: gater !== undefined,
    block: (id) => void blocked.add(id),
    unblock: (id) => void blocked.delete(id),
    isBlocked: (id) => blocked.has(id),
  };
}
