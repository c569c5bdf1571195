/**
 * Filter v2: `/vac/waku/filter-subscribe/2.0.0-beta1` manages subscriptions (status codes
 * as nwaku's waku_filter_v2), and matching messages are pushed to each subscriber as
 * `MessagePush { wakuMessage, pubsubTopic }` frames on one long-lived
 * `/vac/waku/filter-push/2.0.0-beta1` stream per subscriber connection.
 */
import type { Logger, PeerId } from "@libp2p/interface";
import { proto_filter_v2, type proto_message } from "@waku/proto";
import type { Libp2p } from "libp2p";
import type { NodeCounters } from "./counters.js";
import type { FaultState } from "./faults.js";
import type { FilterSubscriptions } from "./filter-subscriptions.js";
import { FilterPushChannel } from "./filter-push-channel.js";
import { decodeRequest, type RequestResponseServer, UNKNOWN_REQUEST_ID } from "./request-response.js";
import type { ShardRouting } from "./shard-routing.js";

export const FILTER_SUBSCRIBE_CODEC = "/vac/waku/filter-subscribe/2.0.0-beta1";
export const FILTER_PUSH_CODEC = "/vac/waku/filter-push/2.0.0-beta1";

/** nwaku's limit on content topics in one request. */
export const MAX_CONTENT_TOPICS_PER_REQUEST = 100;

const RequestType = proto_filter_v2.FilterSubscribeRequest.FilterSubscribeType;

interface Status {
  statusCode: number;
  statusDesc: string;
}

const OK: Status = { statusCode: 200, statusDesc: "OK" };
const NOT_FOUND: Status = { statusCode: 404, statusDesc: "NOT_FOUND: peer has no subscriptions" };

function badRequest(reason: string): Status {
  return { statusCode: 400, statusDesc: `BAD_REQUEST: ${reason}` };
}

function serviceUnavailable(reason: string): Status {
  return { statusCode: 503, statusDesc: `SERVICE_UNAVAILABLE: ${reason}` };
}

export function filterSubscribeServer(subscriptions: FilterSubscriptions, routing: ShardRouting): RequestResponseServer {
  return {
    codec: FILTER_SUBSCRIBE_CODEC,
    handle(requestBytes, connection) {
      const request = decodeRequest("filter subscribe request", proto_filter_v2.FilterSubscribeRequest.decode, requestBytes);
      const status = apply(request, connection.remotePeer, subscriptions, routing);
      return proto_filter_v2.FilterSubscribeResponse.encode({ requestId: request.requestId, ...status });
    },
    // nwaku closes such a stream without a reply; the status code says more and is no reset either.
    errorReply(problem) {
      return proto_filter_v2.FilterSubscribeResponse.encode({ requestId: UNKNOWN_REQUEST_ID, ...badRequest(problem.detail) });
    },
  };
}

function apply(
  request: proto_filter_v2.FilterSubscribeRequest,
  peer: PeerId,
  subscriptions: FilterSubscriptions,
  routing: ShardRouting,
): Status {
  switch (request.filterSubscribeType) {
    case RequestType.SUBSCRIBER_PING:
      return subscriptions.ping(peer) ? OK : NOT_FOUND;
    case RequestType.SUBSCRIBE: {
      const invalid = validateCriteria(request, routing);
      if (invalid) return invalid;
      const refusal = subscriptions.subscribe(peer, request.pubsubTopic as string, request.contentTopics);
      return refusal ? serviceUnavailable(refusal) : OK;
    }
    case RequestType.UNSUBSCRIBE: {
      const invalid = validateCriteria(request, routing);
      if (invalid) return invalid;
      return subscriptions.unsubscribe(peer, request.pubsubTopic as string, request.contentTopics) ? OK : NOT_FOUND;
    }
    case RequestType.UNSUBSCRIBE_ALL:
      return subscriptions.unsubscribeAll(peer) ? OK : NOT_FOUND;
    default:
      return badRequest("unknown request type");
  }
}

function validateCriteria(request: proto_filter_v2.FilterSubscribeRequest, routing: ShardRouting): Status | undefined {
  if (!request.pubsubTopic || request.contentTopics.length === 0) {
    return badRequest("pubsubTopic and contentTopics must be specified");
  }
  if (request.contentTopics.length > MAX_CONTENT_TOPICS_PER_REQUEST) {
    return badRequest(`more than ${MAX_CONTENT_TOPICS_PER_REQUEST} content topics`);
  }
  // This node receives nothing on shards it does not serve, so accepting would be a lie.
  if (!routing.serves(request.pubsubTopic)) return badRequest(`pubsub topic ${request.pubsubTopic} is not served`);
  return undefined;
}

/**
 * Delivers messages to the subscribers of their (pubsub topic, content topic), each over one
 * long-lived push stream per subscriber connection (see `filter-push-channel.ts`).
 */
export class FilterPusher {
  readonly #libp2p: Libp2p;
  readonly #subscriptions: FilterSubscriptions;
  readonly #faults: FaultState;
  readonly #counters: NodeCounters;
  readonly #log: Logger;
  /** By connection id. */
  readonly #channels = new Map<string, FilterPushChannel>();

  constructor(libp2p: Libp2p, subscriptions: FilterSubscriptions, faults: FaultState, counters: NodeCounters, log: Logger) {
    this.#libp2p = libp2p;
    this.#subscriptions = subscriptions;
    this.#faults = faults;
    this.#counters = counters;
    this.#log = log;
  }

  /** Queues one push per subscriber and returns; failures are logged, never thrown. */
  push(pubsubTopic: string, message: proto_message.WakuMessage): void {
    if (this.#faults.current.filterSilent) return;
    const subscribers = this.#subscriptions.subscribersOf(pubsubTopic, message.contentTopic);
    if (subscribers.length === 0) return;
    const frame = proto_filter_v2.MessagePush.encode({ wakuMessage: message, pubsubTopic });
    for (const peer of subscribers) this.#channelTo(peer)?.push(frame);
  }

  /** Closes every push stream (the node is stopping). */
  close(): void {
    for (const channel of [...this.#channels.values()]) channel.close();
  }

  /** Channels of connections that have closed since (a new channel is rare, so sweeping then is cheap). */
  #forgetClosedConnections(): void {
    for (const channel of [...this.#channels.values()]) if (!channel.usable) channel.close();
  }

  #channelTo(peer: PeerId): FilterPushChannel | undefined {
    // Light nodes cannot be dialed back: a subscriber is reachable only over the connection it
    // opened, and a gone subscriber is simply skipped.
    const connection = this.#libp2p.getConnections(peer).find((candidate) => candidate.status === "open");
    if (!connection) {
      this.#log("filter push to %p skipped: subscriber is not connected", peer);
      return undefined;
    }
    const existing = this.#channels.get(connection.id);
    if (existing && !existing.closed) return existing;
    this.#forgetClosedConnections();
    const channel = new FilterPushChannel(
      connection,
      FILTER_PUSH_CODEC,
      {
        written: () => {
          this.#counters.filterPushes++;
        },
        closed: () => {
          if (this.#channels.get(connection.id) === channel) this.#channels.delete(connection.id);
        },
      },
      this.#log,
    );
    this.#channels.set(connection.id, channel);
    return channel;
  }
}
