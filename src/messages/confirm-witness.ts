import type { PeerInfo } from "../core/types.js";

/**
 * The store peer to ask whether a sent message is in the network, or `undefined` to wait.
 *
 * A node that accepted a message it could not relay holds it alone, and that is not "in the network"
 * yet: right after an outage the acceptor is often the only store reconnected, and asking it
 * "confirmed" messages that no other store ever received (seen in the fleet's total-outage test).
 * So the acceptor witnesses its own message only when no other store peer is known at all, connected
 * or not (a network with one store); otherwise the message waits, `sent`, until another store is back.
 * A message sent without a chosen peer (`sentTo` unknown) may be asked of any store.
 *
 * @param storePeers connected store peers, best first.
 * @example
 * const witness = confirmWitness(entry.sentTo, connectedStores, manager.store.getState().peers);
 */
export function confirmWitness(
  sentTo: string | undefined,
  storePeers: readonly string[],
  known: Readonly<Record<string, PeerInfo>>,
): string | undefined {
  const other = storePeers.find((id) => id !== sentTo);
  if (other !== undefined || sentTo === undefined) return other;
  const anotherStoreKnown = Object.values(known).some((peer) => peer.id !== sentTo && peer.protocols.includes("store"));
  return anotherStoreKnown ? undefined : storePeers.find((id) => id === sentTo);
}
