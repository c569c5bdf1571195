/**
 * `/vac/waku/peer-exchange/2.0.0-alpha1`: answers a query for up to `numPeers` peers
 * with the ENRs of the other fleet nodes (never the asker's own record).
 */
import { proto_peer_exchange } from "@waku/proto";
import type { NodeCounters } from "./counters.js";
import type { RequestResponseServer } from "./request-response.js";

export const PEER_EXCHANGE_CODEC = "/vac/waku/peer-exchange/2.0.0-alpha1";

export interface KnownPeerRecord {
  peerId: string;
  enr: Uint8Array;
}

export function peerExchangeServer(knownPeers: () => readonly KnownPeerRecord[], counters: NodeCounters): RequestResponseServer {
  return {
    codec: PEER_EXCHANGE_CODEC,
    handle(requestBytes, connection) {
      const rpc = proto_peer_exchange.PeerExchangeRPC.decode(requestBytes);
      counters.peerExchangeQueries++;
      const wanted = Number(rpc.query?.numPeers ?? 0n);
      const asker = connection.remotePeer.toString();
      // Like nwaku, a random selection, so repeated queries spread load across the fleet.
      const candidates = shuffled(knownPeers().filter((peer) => peer.peerId !== asker));
      return proto_peer_exchange.PeerExchangeRPC.encode({
        response: { peerInfos: candidates.slice(0, Math.max(0, wanted)).map((peer) => ({ enr: peer.enr })) },
      });
    },
  };
}

function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(Math.random() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}
