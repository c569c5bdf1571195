/**
 * The Waku message type as the wire carries it, and its deterministic hash
 * (14/WAKU2-MESSAGE), computed by @waku/core exactly as the SDK computes it.
 */
import { messageHash } from "@waku/core";
import type { proto_message } from "@waku/proto";

export type WakuMessage = proto_message.WakuMessage;

export function hashWakuMessage(pubsubTopic: string, message: WakuMessage): Uint8Array {
  // @waku/core wants every field present, even when undefined.
  return messageHash(pubsubTopic, {
    payload: message.payload,
    contentTopic: message.contentTopic,
    version: message.version,
    timestamp: message.timestamp,
    meta: message.meta,
    rateLimitProof: message.rateLimitProof,
    ephemeral: message.ephemeral,
  });
}
