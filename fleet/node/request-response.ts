/**
 * The shape every Waku request/response server shares: read one frame, compute one reply,
 * wait the injected latency, write the reply, let the client close.
 *
 * Hostile or broken input is answered, not punished: a request that is too large, cut short
 * or undecodable gets the protocol's own error status where the protocol has one (nwaku does
 * the same for store and peer exchange), and otherwise a clean close without a reply (nwaku's
 * metadata). Only these reset a stream: the peer already has `maxStreamsPerPeer` open, nothing
 * arrived for `idleStreamTimeoutMs`, or the client kept its side open long after the reply.
 * A failing stream is logged, never thrown: a client that vanished must not disturb the node.
 */
import type { Connection, IncomingStreamData, Logger, Stream } from "@libp2p/interface";
import type { Libp2p } from "libp2p";
import type { NodeLimits } from "../types.js";
import type { ConnectionDropper } from "./connection-dropper.js";
import type { NodeCounters } from "./counters.js";
import type { FaultState } from "./faults.js";
import { readFirstFrame, writeFrame } from "./frames.js";
import { IdleDeadline, type PeerStreamLimiter } from "./stream-guards.js";

/** Computes the encoded reply to one encoded request. */
export type RequestHandler = (request: Uint8Array, connection: Connection) => Promise<Uint8Array> | Uint8Array;

/** Why a request could not be served as sent. */
export interface RequestProblem {
  kind: "malformed" | "too-large";
  detail: string;
}

/**
 * Streams per protocol per connection. libp2p's default (32) is low for a node that many
 * light nodes use at once, and the SDK keeps one idle stream per codec open in advance.
 */
export const MAX_STREAMS_PER_PROTOCOL = 256;

export interface RequestResponseServer {
  codec: string;
  handle: RequestHandler;
  /**
   * The protocol's own error reply for a request that cannot be served as sent. Absent when
   * the protocol has no error status: such a stream is closed without a reply.
   */
  errorReply?: (problem: RequestProblem) => Uint8Array;
}

/** What the request servers of one node share. */
export interface RequestContext {
  faults: FaultState;
  dropper: ConnectionDropper;
  streams: PeerStreamLimiter;
  limits: NodeLimits;
  counters: NodeCounters;
  log: Logger;
}

/** The request id nwaku puts in a reply to a request it could not read. */
export const UNKNOWN_REQUEST_ID = "N/A";

/** Thrown by a handler for a request its protocol cannot even read (e.g. undecodable protobuf). */
export class MalformedRequestError extends Error {
  override readonly name = "MalformedRequestError";
}

/**
 * Decodes a request, turning a decoder's exception into a MalformedRequestError.
 *
 * @example
 * const rpc = decodeRequest("peer exchange request", proto_peer_exchange.PeerExchangeRPC.decode, bytes);
 */
export function decodeRequest<T>(what: string, decode: (bytes: Uint8Array) => T, bytes: Uint8Array): T {
  try {
    return decode(bytes);
  } catch (err) {
    throw new MalformedRequestError(`undecodable ${what}: ${describeError(err)}`);
  }
}

/**
 * Registers `server` on the node. Handlers go in before the node listens, so identify never
 * advertises a partial set.
 *
 * @example
 * await serveRequestResponse(libp2p, storeServer(archive, faults, counters), context);
 */
export async function serveRequestResponse(
  libp2p: Libp2p,
  server: RequestResponseServer,
  context: RequestContext,
): Promise<void> {
  await libp2p.handle(
    server.codec,
    (incoming: IncomingStreamData) => {
      void answerOneRequest(incoming, server, context);
    },
    { maxInboundStreams: MAX_STREAMS_PER_PROTOCOL, maxOutboundStreams: MAX_STREAMS_PER_PROTOCOL },
  );
}

/** How long a stream may stay half-open after the reply before it is reset. */
const LINGER_AFTER_REPLY_MS = 10_000;

async function answerOneRequest(
  { stream, connection }: IncomingStreamData,
  server: RequestResponseServer,
  context: RequestContext,
): Promise<void> {
  const peer = connection.remotePeer.toString();
  if (!context.streams.tryOpen(peer)) {
    context.counters.streamsRefused++;
    stream.abort(new Error(`more than ${context.streams.maxPerPeer} open request streams from this peer`));
    return;
  }
  const idle = new IdleDeadline(context.limits.idleStreamTimeoutMs, () => {
    context.counters.idleStreamsReset++;
    stream.abort(new Error(`no request within ${context.limits.idleStreamTimeoutMs} ms`));
  });
  try {
    await serveStream(stream, connection, server, context, idle);
  } catch (err) {
    if (!idle.expired) {
      context.log("%s from %p failed: %s", server.codec, connection.remotePeer, describeError(err));
      stream.abort(err instanceof Error ? err : new Error(String(err)));
    }
  } finally {
    idle.cancel();
    context.streams.close(peer);
  }
}

async function serveStream(
  stream: Stream,
  connection: Connection,
  server: RequestResponseServer,
  context: RequestContext,
  idle: IdleDeadline,
): Promise<void> {
  const first = await readFirstFrame(stream, { onChunk: () => idle.touch() });
  // The request is in (or will never come): from here on the linger bounds the stream.
  idle.cancel();
  const refuse = (problem: RequestProblem, remoteClosed: Promise<void>) => {
    context.counters.malformedRequests++;
    return respond(stream, server.errorReply?.(problem), remoteClosed, context);
  };
  switch (first.kind) {
    case "empty":
      await stream.close();
      return;
    case "truncated":
      return refuse(
        { kind: "malformed", detail: `stream ended after ${first.receivedBytes} bytes, in the middle of a frame` },
        Promise.resolve(),
      );
    case "bad-prefix":
      return refuse({ kind: "malformed", detail: "frame length prefix too long" }, first.remoteClosed);
    case "too-large":
      return refuse(
        { kind: "too-large", detail: `request of ${first.declaredBytes} bytes is over the limit` },
        first.remoteClosed,
      );
    case "frame":
      break;
  }
  if (context.dropper.shouldDrop(connection)) {
    context.counters.connectionsDropped++;
    connection.abort(new Error("fault injected: dropConnection"));
    return;
  }
  let reply: Uint8Array;
  try {
    reply = await server.handle(first.frame, connection);
  } catch (err) {
    if (!(err instanceof MalformedRequestError)) throw err;
    return refuse({ kind: "malformed", detail: err.message }, first.remoteClosed);
  }
  await respond(stream, reply, first.remoteClosed, context);
}

/** Writes the reply (or, without one, closes our side), then waits for the client to close. */
async function respond(
  stream: Stream,
  reply: Uint8Array | undefined,
  remoteClosed: Promise<void>,
  context: RequestContext,
): Promise<void> {
  await context.faults.delayReply();
  if (reply) await writeFrame(stream, reply);
  else await stream.closeWrite();
  // Clients close their write side right after the request; one that does not is cut off.
  if (!(await settlesWithin(remoteClosed, LINGER_AFTER_REPLY_MS))) {
    stream.abort(new Error("client kept its side of the stream open after the reply"));
  }
}

async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * An error's message, or the value as text.
 *
 * @example
 * describeError(new Error("boom")); // "boom"
 */
export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
