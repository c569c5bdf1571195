/**
 * Everything the message layer asks of `@waku/sdk` 0.0.36, in one file, so that an SDK upgrade is
 * one file to review. Public API where there is one; the two private reaches are feature-detected
 * and degrade to the public path when missing:
 *
 * - `node.lightPush.protocol.send(encoder, message, peerId)` — the only way to choose the light
 *   push peer (the public `lightPush.send` picks its own and may re-encode on retry). Without it,
 *   `lightPush.send(…, { autoRetry: false })` is used and peer rotation is up to the SDK.
 * - `node.filter.subscriptions.get(pubsubTopic).peers` — which peers the SDK's filter subscription
 *   currently uses, to tell when filter is live again after recovery (it re-subscribes 50–300 ms
 *   after the peers are back). Without it, "live" is assumed once a filter peer is connected.
 *
 * Public parts used: `createDecoder`/`createEncoder`, `filter.subscribe`/`unsubscribe`,
 * `store.queryGenerator` (with our own ≤ 24 h windows and an explicit `peerId`), `messageHashStr`.
 */
import { messageHashStr } from "@waku/core";
import type { IDecodedMessage, IDecoder, IEncoder, IMessage, IProtoMessage, LightNode } from "@waku/sdk";
import { proto_message } from "@waku/proto";

/** The node the message layer works with (a `LightNode` from `@waku/sdk`). */
export type MessageNode = Pick<LightNode, "libp2p" | "filter" | "store" | "lightPush" | "createDecoder" | "createEncoder">;

/** A content topic, or a decoder/encoder of your own (encryption, custom routing). */
export type TopicOrDecoder<T extends IDecodedMessage = IDecodedMessage> = string | IDecoder<T>;
export type TopicOrEncoder = string | IEncoder;

export function decoderOf<T extends IDecodedMessage>(node: MessageNode, topic: TopicOrDecoder<T>): IDecoder<T> {
  return typeof topic === "string" ? (node.createDecoder({ contentTopic: topic }) as IDecoder<T>) : topic;
}

export function encoderOf(node: MessageNode, topic: TopicOrEncoder): IEncoder {
  return typeof topic === "string" ? node.createEncoder({ contentTopic: topic }) : topic;
}

/** The hex message hash every path (filter, store, outbox) agrees on. */
export function hashOf(pubsubTopic: string, message: IProtoMessage | IDecodedMessage): string {
  return messageHashStr(pubsubTopic, message);
}

export interface FilterHandle {
  /** The SDK accepted the subscription on at least one peer. */
  readonly subscribed: boolean;
  unsubscribe(): Promise<void>;
}

export async function subscribeFilter<T extends IDecodedMessage>(
  node: MessageNode,
  decoder: IDecoder<T>,
  onMessage: (message: T) => void,
): Promise<FilterHandle> {
  const subscribed = await node.filter.subscribe(decoder, onMessage);
  return {
    subscribed,
    async unsubscribe() {
      await node.filter.unsubscribe(decoder);
    },
  };
}

/**
 * Whether the SDK's filter subscription for `pubsubTopic` uses at least one peer that is connected
 * now; `undefined` when the SDK does not tell (its private map is gone).
 */
export function filterUsesConnectedPeer(node: MessageNode, pubsubTopic: string): boolean | undefined {
  const subscriptions = read(node.filter, "subscriptions");
  if (!(subscriptions instanceof Map)) return undefined;
  const subscription: unknown = subscriptions.get(pubsubTopic);
  if (subscription === undefined) return false;
  const peers = read(subscription, "peers");
  if (!(peers instanceof Map)) return undefined;
  const connected = new Set(
    node.libp2p
      .getConnections()
      .filter((c) => c.status === "open")
      .map((c) => c.remotePeer.toString()),
  );
  for (const id of peers.keys()) if (connected.has(String(id))) return true;
  return false;
}

/** The libp2p `PeerId` of a connected peer, from its string form (the SDK wants the object). */
function connectedPeerId(node: MessageNode, peerId: string) {
  return node.libp2p.getConnections().find((connection) => connection.remotePeer.toString() === peerId)?.remotePeer;
}

export interface StoreWindow {
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
}

/**
 * Every message of one window (≤ 24 h: the caller chunks) from one store peer, forward in pages
 * of `pageSize`. Throws on a store error, an unknown peer, or a disconnected one.
 */
export async function queryStoreWindow<T extends IDecodedMessage>(
  node: MessageNode,
  decoder: IDecoder<T>,
  window: StoreWindow,
  peerId: string,
  pageSize: number,
): Promise<T[]> {
  const peer = connectedPeerId(node, peerId);
  if (peer === undefined) throw new Error(`store peer ${peerId} is not connected`);
  const found: T[] = [];
  const pages = node.store.queryGenerator([decoder], {
    timeStart: new Date(window.from),
    timeEnd: new Date(window.to),
    paginationForward: true,
    paginationLimit: pageSize,
    peerId: peer,
  });
  for await (const page of pages) {
    for (const message of await Promise.all(page)) if (message !== undefined) found.push(message);
  }
  return found;
}

/** Hashes of `hashes` that a store peer holds (a hash lookup: no decoding of payloads). */
export async function storeHasHashes(
  node: MessageNode,
  pubsubTopic: string,
  contentTopic: string,
  hashes: readonly string[],
  peerId: string,
): Promise<Set<string>> {
  const peer = connectedPeerId(node, peerId);
  if (peer === undefined) throw new Error(`store peer ${peerId} is not connected`);
  const hashOnly: IDecoder<IDecodedMessage> = {
    contentTopic,
    pubsubTopic,
    fromWireToProtoObj: async () => undefined,
    // Any version, any encryption: only the hash is needed, and it is computed over the wire fields.
    fromProtoObj: async (topic, proto) => ({ hashStr: hashOf(topic || pubsubTopic, proto) }) as IDecodedMessage,
  };
  const found = new Set<string>();
  const pages = node.store.queryGenerator([hashOnly], {
    pubsubTopic,
    messageHashes: hashes.map(hexToBytes),
    includeData: true,
    paginationForward: true,
    peerId: peer,
  });
  for await (const page of pages) {
    for (const message of await Promise.all(page)) if (message !== undefined) found.add(message.hashStr);
  }
  return found;
}

/** A message encoded once: the wire bytes every attempt sends, and their hash. */
export interface EncodedMessage {
  pubsubTopic: string;
  contentTopic: string;
  /** `WakuMessage` protobuf. */
  wire: Uint8Array;
  hash: string;
  /** Epoch ms fixed at encode time. */
  timestamp: number;
}

/**
 * Encodes `payload` once with its timestamp fixed; `undefined` when the encoder refuses it.
 * Encryption runs here too, so a retry never draws a new nonce (which would be a new hash).
 */
export async function encodeOnce(encoder: IEncoder, payload: Uint8Array, timestamp: number): Promise<EncodedMessage | undefined> {
  const proto = await encoder.toProtoObj({ payload, timestamp: new Date(timestamp) });
  if (proto === undefined) return undefined;
  return {
    pubsubTopic: encoder.pubsubTopic,
    contentTopic: encoder.contentTopic,
    wire: proto_message.WakuMessage.encode(proto),
    hash: hashOf(encoder.pubsubTopic, proto),
    timestamp,
  };
}

/** An encoder that hands the SDK the stored bytes, whatever it is asked to encode. */
function replayEncoder(template: IEncoder, wire: Uint8Array): { encoder: IEncoder; message: IMessage } {
  const decoded = proto_message.WakuMessage.decode(wire);
  const proto: IProtoMessage = {
    payload: decoded.payload,
    contentTopic: decoded.contentTopic,
    version: decoded.version,
    timestamp: decoded.timestamp,
    meta: decoded.meta,
    rateLimitProof: decoded.rateLimitProof,
    ephemeral: decoded.ephemeral,
  };
  const encoder: IEncoder = {
    contentTopic: template.contentTopic,
    ephemeral: template.ephemeral,
    routingInfo: template.routingInfo,
    pubsubTopic: template.pubsubTopic,
    toWire: async () => wire,
    toProtoObj: async () => proto,
  };
  return { encoder, message: { payload: proto.payload } };
}

/** What one light push attempt came to. */
export type PushOutcome =
  | { ok: true; peerId: string | undefined }
  | {
      ok: false;
      peerId: string | undefined;
      error: string;
      /** The remote peer's doing (rejection, no answer): counts against its score. */
      peerCaused: boolean;
      /** Worth another attempt (on another peer): false for a message no peer will take. */
      retryable: boolean;
    };

/** Light push errors no retry can fix: the message itself is the problem. */
const PERMANENT_ERRORS = new Set([
  "Payload is empty",
  "Size is too big",
  "Failed to encode",
  "Message payload exceeds maximum size",
  "Message validation failed",
  "Bad request format",
]);
/** Errors of our own connection or of nobody: retried without blaming the peer. */
const NOT_THE_PEERS_FAULT = new Set(["No peer available", "No stream available", "Stream aborted", "Topic not configured"]);

function classify(error: string, peerId: string | undefined): PushOutcome {
  if (PERMANENT_ERRORS.has(error)) return { ok: false, peerId, error, peerCaused: false, retryable: false };
  return { ok: false, peerId, error, peerCaused: peerId !== undefined && !NOT_THE_PEERS_FAULT.has(error), retryable: true };
}

/** True when this SDK lets us choose the light push peer. */
export function canChoosePushPeer(node: MessageNode): boolean {
  return typeof read(read(node.lightPush, "protocol"), "send") === "function";
}

/**
 * Sends stored wire bytes once, to `peerId` when the SDK allows choosing (see the file comment),
 * never through the SDK's retry queue. Never throws.
 */
export async function pushOnce(
  node: MessageNode,
  template: IEncoder,
  wire: Uint8Array,
  peerId: string | undefined,
): Promise<PushOutcome> {
  const { encoder, message } = replayEncoder(template, wire);
  try {
    const core = read(node.lightPush, "protocol") as
      | { send?: (e: IEncoder, m: IMessage, p: unknown) => Promise<unknown> }
      | undefined;
    const peer = peerId === undefined ? undefined : connectedPeerId(node, peerId);
    if (peer !== undefined && typeof core?.send === "function") {
      const result = (await core.send.call(core, encoder, message, peer)) as {
        success?: unknown;
        failure?: { error?: unknown } | null;
      };
      if (result?.success) return { ok: true, peerId };
      return classify(String(result?.failure?.error ?? "Generic error"), peerId);
    }
    const result = await node.lightPush.send(encoder, message, { autoRetry: false });
    const accepted = result.successes[0];
    if (accepted !== undefined) return { ok: true, peerId: accepted.toString() };
    const failure = result.failures[0];
    return classify(String(failure?.error ?? "No peer available"), failure?.peerId?.toString());
  } catch (error) {
    return classify(error instanceof Error ? error.message : String(error), peerId);
  }
}

function read(value: unknown, key: string): unknown {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return undefined;
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function hexToBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let index = 0; index < bytes.length; index++) bytes[index] = Number.parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  return bytes;
}
