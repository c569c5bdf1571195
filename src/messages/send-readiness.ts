import type { PeerInfo, WakuPeersState } from "../core/types.js";

/**
 * Sending is possible when the device is online, the manager runs, and a light push peer is
 * connected. Derived from the manager's public state, so it changes exactly when that state does.
 *
 * @example
 * const canSend = canSendFrom(manager.store.getState());
 */
export function canSendFrom(state: WakuPeersState): boolean {
  return state.online && state.status !== "disconnected" && state.status !== "idle" && lightPushPeers(state).length > 0;
}

/** Connected light push peers, best score first. */
export function lightPushPeers(state: WakuPeersState): PeerInfo[] {
  return Object.values(state.peers)
    .filter((peer) => peer.connected && peer.protocols.includes("lightPush"))
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}

/**
 * The peer for a message's next attempt: the best one this message has not tried yet, else the
 * one it tried longest ago — so each retry goes to a different peer while there are several.
 *
 * @example
 * const peer = nextPushPeer(lightPushPeers(state), triedPeersOfThisMessage);
 */
export function nextPushPeer(peers: readonly PeerInfo[], tried: readonly string[]): string | undefined {
  const untried = peers.find((peer) => !tried.includes(peer.id));
  if (untried !== undefined) return untried.id;
  let oldest: string | undefined;
  let oldestIndex = Number.POSITIVE_INFINITY;
  for (const peer of peers) {
    const index = tried.lastIndexOf(peer.id);
    if (index < oldestIndex) {
      oldestIndex = index;
      oldest = peer.id;
    }
  }
  return oldest;
}

/**
 * Delay before attempt `attempt` (1 = the first retry): doubling from `initialMs`, capped, with
 * jitter that only shortens.
 *
 * @example
 * retryDelay(3, { initialMs: 500, maxMs: 30_000, jitter: 0 }); // 2000
 */
export function retryDelay(
  attempt: number,
  options: { initialMs: number; maxMs: number; jitter: number },
  random: () => number = Math.random,
): number {
  const base = Math.min(options.maxMs, options.initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (1 - options.jitter * random()));
}
