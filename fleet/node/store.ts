/**
 * `/vac/waku/store-query/3.0.0`: StoreQueryRequest → StoreQueryResponse over the archive.
 *
 * The SDK pages until it gets an empty page, sending the hash of the last message it saw
 * (forward) or the first (backward) as an exclusive cursor, and ignores
 * `paginationCursor`. So each page holds the next messages after (or before) the cursor
 * and the last page is naturally followed by an empty one.
 */
import { proto_store } from "@waku/proto";
import { bytesToHex } from "@waku/utils/bytes";
import type { NodeCounters } from "./counters.js";
import type { FaultState } from "./faults.js";
import { MAX_FRAME_BYTES } from "./frames.js";
import type { MessageStore, StoreCriteria, StoredMessage } from "./message-store.js";
import { decodeRequest, type RequestResponseServer } from "./request-response.js";

export const STORE_CODEC = "/vac/waku/store-query/3.0.0";

/** nwaku's defaults (waku_store/common.nim), which @waku/core copies. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Room left in a reply frame for the response's own fields. */
const REPLY_OVERHEAD_BYTES = 64 * 1024;
const MESSAGE_HASH_BYTES = 32;

type Reply = Omit<proto_store.StoreQueryResponse, "requestId">;

export function storeServer(archive: MessageStore, faults: FaultState, counters: NodeCounters): RequestResponseServer {
  return {
    codec: STORE_CODEC,
    handle(requestBytes) {
      counters.storeQueries++;
      const request = decodeRequest("store query", proto_store.StoreQueryRequest.decode, requestBytes);
      const reply = answer(request, archive, faults);
      return proto_store.StoreQueryResponse.encode({ requestId: request.requestId, ...reply });
    },
    // As nwaku: a request it cannot decode gets 400 and an empty request id.
    errorReply(problem) {
      return proto_store.StoreQueryResponse.encode({ requestId: "", ...failure(400, `BAD_REQUEST: ${problem.detail}`) });
    },
  };
}

function answer(request: proto_store.StoreQueryRequest, archive: MessageStore, faults: FaultState): Reply {
  const injected = faults.current.storeError;
  if (injected !== undefined) return failure(injected, "fault injected: store error");

  const criteria = toCriteria(request);
  if (typeof criteria === "string") return failure(400, criteria);

  const page = archive.query(criteria);
  if (page.kind === "unknown-cursor") return failure(400, "BAD_REQUEST: pagination cursor not found");

  const first = page.messages[0];
  const last = page.messages[page.messages.length - 1];
  const cursor = page.hasMore ? (criteria.forward ? last : first) : undefined;
  return {
    statusCode: 200,
    statusDesc: "OK",
    messages: page.messages.map((entry) => toKeyValue(entry, request.includeData)),
    ...(cursor ? { paginationCursor: cursor.hash } : {}),
  };
}

/** The archive query a request asks for, or why it is a bad request (nwaku's rules). */
function toCriteria(request: proto_store.StoreQueryRequest): StoreCriteria | string {
  const isHashLookup = request.messageHashes.length > 0;
  const hasContentFilter = request.contentTopics.length > 0 || request.timeStart !== undefined || request.timeEnd !== undefined;
  if (isHashLookup && hasContentFilter) {
    return "BAD_REQUEST: a message hash lookup cannot also filter by content topic or time";
  }
  if (request.contentTopics.length > 0 && !request.pubsubTopic) {
    return "BAD_REQUEST: content topics need a pubsub topic";
  }
  if (request.paginationCursor !== undefined && request.paginationCursor.length !== MESSAGE_HASH_BYTES) {
    return "BAD_REQUEST: a pagination cursor is a 32-byte message hash";
  }
  const requestedLimit = Number(request.paginationLimit ?? 0n);
  const limit = requestedLimit <= 0 ? DEFAULT_PAGE_SIZE : Math.min(requestedLimit, MAX_PAGE_SIZE);
  return {
    ...(isHashLookup ? { messageHashes: new Set(request.messageHashes.map((hash) => bytesToHex(hash))) } : {}),
    ...(!isHashLookup && request.pubsubTopic ? { pubsubTopic: request.pubsubTopic } : {}),
    ...(request.contentTopics.length > 0 ? { contentTopics: new Set(request.contentTopics) } : {}),
    ...(request.timeStart !== undefined ? { timeStart: request.timeStart } : {}),
    ...(request.timeEnd !== undefined ? { timeEnd: request.timeEnd } : {}),
    ...(request.paginationCursor ? { cursor: bytesToHex(request.paginationCursor) } : {}),
    forward: request.paginationForward,
    limit,
    maxPageBytes: MAX_FRAME_BYTES - REPLY_OVERHEAD_BYTES,
  };
}

function toKeyValue(entry: StoredMessage, includeData: boolean): proto_store.WakuMessageKeyValue {
  return {
    messageHash: entry.hash,
    pubsubTopic: entry.pubsubTopic,
    ...(includeData ? { message: entry.message } : {}),
  };
}

function failure(statusCode: number, statusDesc: string): Reply {
  return { statusCode, statusDesc, messages: [] };
}
