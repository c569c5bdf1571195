import type { Libp2pLike, PeerIdLike } from "./node-boundary.js";

/**
 * Keeps chosen peers from being dialed — by the SDK too. The SDK's 5 s maintenance tick re-dials
 * every known peer it is not connected to (about 10 s after we hung one up); without a gate a
 * surplus bootstrap peer or a replaced peer would flap back every ten seconds.
 *
 * The gate is libp2p's connection gater (`denyDialPeer`), which libp2p consults on every dial. It
 * is reached through `libp2p.components`, which is not in libp2p's public typings, so it is
 * feature-detected: where it is missing, `installed` is false and the manager falls back to
 * hanging up a blocked peer as soon as it connects. A gater the app configured keeps working: ours
 * asks it for every peer we do not block.
 */
export interface DialGate {
  /** The gater was found and wrapped. */
  readonly installed: boolean;
  block(id: string): void;
  unblock(id: string): void;
  isBlocked(id: string): boolean;
  /** Restores the previous gater when ours is still in place; otherwise leaves a pass-through. */
  detach(): void;
}

type DenyDialPeer = (peerId: PeerIdLike) => boolean | Promise<boolean>;

interface GaterHolder {
  components?: { connectionGater?: { denyDialPeer?: DenyDialPeer } };
}

export function installDialGate(libp2p: Libp2pLike): DialGate {
  const blocked = new Set<string>();
  let gater: { denyDialPeer?: DenyDialPeer } | undefined;
  try {
    const candidate = (libp2p as unknown as GaterHolder).components?.connectionGater;
    if (typeof candidate === "object" && candidate !== null) gater = candidate;
  } catch {
    // libp2p's components proxy throws for unknown components: no gater to wrap.
  }

  let detached = false;
  const previous = gater?.denyDialPeer;
  const ours: DenyDialPeer = (peerId) => {
    if (!detached && blocked.has(peerId.toString())) return true;
    return previous === undefined ? false : previous.call(gater, peerId);
  };
  if (gater !== undefined) gater.denyDialPeer = ours;

  return {
    installed: gater !== undefined,
    block: (id) => void blocked.add(id),
    unblock: (id) => void blocked.delete(id),
    isBlocked: (id) => blocked.has(id),
    detach() {
      if (detached) return;
      detached = true;
      blocked.clear();
      if (gater !== undefined && gater.denyDialPeer === ours) {
        if (previous === undefined) delete gater.denyDialPeer;
        else gater.denyDialPeer = previous;
      }
    },
  };
}
