import type { PeerInfo } from "../core/types.js";

/**
 * For one confirm round: the store peer to ask whether a sent message is in the network, by the
 * peer that accepted it, or `undefined` to wait.
 *
 * A node that accepted a message it could not relay holds it alone, and that is not "in the network"
 * yet: right after an outage the acceptor is often the only store reconnected, and asking it
 * "confirmed" messages that no other store ever received (seen in the fleet's total-outage test).
 * So the acceptor witnesses its own message only when no other store peer is known at all, connected
 * or not (a network with one store); otherwise the message waits, `sent`, until another store is back.
 * A message sent without a chosen peer (`sentTo` unknown) may be asked of any store. Connected
 * stores are tried best score first.
 *
 * @example
 * const witnessFor = confirmWitnesses(manager.store.getState().peers);
 * const witness = witnessFor(entry.sentTo);
 */
export function confirmWitnesses(peers: Readonly<Record<string, PeerInfo>>): (sentTo: string | undefined) => string | undefined {
  const stores = Object.values(peers).filter((peer) => peer.protocols.includes("store"));
  const connected = stores
    .filter((peer) => peer.connected)
    .sort((a, b) => b.score - a.score)
    .map((peer) => peer.id);
  return (sentTo) => {
    const other = connected.find((id) => id !== sentTo);
    if (other !== undefined || sentTo === undefined || !connected.includes(sentTo)) return other;
    return stores.some((peer) => peer.id !== sentTo) ? undefined : sentTo;
  };
}
