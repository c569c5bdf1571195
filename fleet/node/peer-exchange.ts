/**
 * `/vac/waku/peer-exchange/2.0.0-alpha1`: answers a query for up to `numPeers` peers with the
 * ENRs of the other fleet nodes (never the asker's own record) — or, under the `pxFlood`
 * fault, with a flood whatever was asked.
 *
 * Answers carry nwaku's status fields (PeerExchangeResponse `status_code` = 10,
 * `status_desc` = 11: 200 OK, 400 for a request it cannot read), which @waku/proto 0.0.15
 * does not know yet and skips.
 */
import { proto_peer_exchange } from "@waku/proto";
import type { NodeCounters } from "./counters.js";
import type { FaultState } from "./faults.js";
import { concatBytes } from "./bytes.js";
import { bytesField, varintField } from "./protobuf.js";
import type { PxFlood } from "./px-flood.js";
import { shuffled } from "./random.js";
import { decodeRequest, MalformedRequestError, type RequestResponseServer } from "./request-response.js";

export const PEER_EXCHANGE_CODEC = "/vac/waku/peer-exchange/2.0.0-alpha1";

export interface KnownPeerRecord {
  peerId: string;
  enr: Uint8Array;
}

export interface PeerExchangeSources {
  /** The other fleet nodes. */
  knownPeers: () => readonly KnownPeerRecord[];
  faults: FaultState;
  /** What answers while the `pxFlood` fault is on. */
  flood: PxFlood;
  counters: NodeCounters;
}

/**
 * The peer-exchange server of one node.
 *
 * @example
 * const server = peerExchangeServer({ knownPeers: () => fleetPeers.records(), faults, flood, counters });
 * await serveRequestResponse(libp2p, server, context);
 */
export function peerExchangeServer({ knownPeers, faults, flood, counters }: PeerExchangeSources): RequestResponseServer {
  return {
    codec: PEER_EXCHANGE_CODEC,
    async handle(requestBytes, connection) {
      counters.peerExchangeQueries++;
      const rpc = decodeRequest("peer exchange request", proto_peer_exchange.PeerExchangeRPC.decode, requestBytes);
      if (!rpc.query) throw new MalformedRequestError("a peer exchange request needs a query");
      const asker = connection.remotePeer.toString();
      // Like nwaku, a random selection, so repeated queries spread load across the fleet.
      const genuine = shuffled(knownPeers().filter((peer) => peer.peerId !== asker)).map((peer) => peer.enr);
      const flooding = faults.current.pxFlood;
      const wanted = Math.max(0, Number(rpc.query.numPeers ?? 0n));
      const enrs = flooding ? await flood.answer(flooding, genuine) : genuine.slice(0, wanted);
      counters.peerExchangeRecordsSent += enrs.length;
      return encodeResponse(enrs, 200, "OK");
    },
    errorReply(problem) {
      return encodeResponse([], 400, `BAD_REQUEST: ${problem.detail}`);
    },
  };
}

/** PeerExchangeRPC { response (2): { peer_infos (1): [{ enr (1) }], status_code (10), status_desc (11) } }. */
function encodeResponse(enrs: readonly Uint8Array[], statusCode: number, statusDesc: string): Uint8Array {
  const response = concatBytes([
    ...enrs.map((enr) => bytesField(1, bytesField(1, enr))),
    varintField(10, statusCode),
    bytesField(11, new TextEncoder().encode(statusDesc)),
  ]);
  return bytesField(2, response);
}
