/**
 * `/vac/waku/metadata/1.0.0`: the handshake in which a node states its cluster and shards.
 * The SDK stores the answer as the peer's shard info and only uses peers on its own
 * cluster and on the shard of a message, so a wrong answer makes a node silently unusable
 * (which is what the `wrongCluster` fault simulates).
 *
 * The protocol has no error status: like nwaku, a request that cannot be decoded gets no
 * reply, only a clean close (no errorReply here).
 */
import { proto_metadata } from "@waku/proto";
import type { FaultState } from "./faults.js";
import { decodeRequest, type RequestResponseServer } from "./request-response.js";
import type { ShardRouting } from "./shard-routing.js";

export const METADATA_CODEC = "/vac/waku/metadata/1.0.0";

export function metadataServer(routing: ShardRouting, faults: FaultState): RequestResponseServer {
  return {
    codec: METADATA_CODEC,
    handle(request) {
      // Decoded only to reject garbage; nwaku answers with its own cluster whatever the
      // client claims, and so do we.
      decodeRequest("metadata request", proto_metadata.WakuMetadataRequest.decode, request);
      return proto_metadata.WakuMetadataResponse.encode({
        clusterId: faults.current.wrongCluster ?? routing.clusterId,
        shards: [...routing.shards],
      });
    },
  };
}
