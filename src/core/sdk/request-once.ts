import type { Clock } from "../lifetime/clock.js";
import type { Lifetime } from "../lifetime/lifetime.js";
import { deadline } from "../lifetime/timers.js";
import type { ConnectionLike } from "./node-boundary.js";
import { readVarint } from "./varint.js";

/** A libp2p stream, as far as one request and one reply need it (public libp2p API). */
interface StreamLike {
  sink(source: Iterable<Uint8Array>): Promise<void>;
  source: AsyncIterable<Uint8Array | { subarray(): Uint8Array }>;
  abort(error: Error): void;
}

interface StreamingConnection {
  newStream(protocol: string, options?: { signal?: AbortSignal }): Promise<StreamLike>;
}

export interface RequestLimits {
  /** The most reply bytes read; a reply announcing more is cut there. */
  maxBytes: number;
  /** For the whole exchange, the background drain included. */
  timeoutMs: number;
  clock: Clock;
  /** The owner: ending it resets the stream. */
  lifetime: Lifetime;
}

export interface Reply {
  /** The reply frame's payload, or its first `maxBytes` when it announced more. */
  payload: Uint8Array;
  /** The reply announced more than `maxBytes`: the rest was never read (the stream was reset). */
  truncated: boolean;
}

/** Enough bytes for any varint length prefix. */
const PREFIX_BYTES = 10;

/**
 * One request and one reply on a new stream over an open connection (never a dial): writes
 * `frame`, reads one varint-length-prefixed reply, at most `maxBytes` of it — a reply that
 * announces more is cut there and its stream reset, so a hostile peer costs at most `maxBytes`.
 * Chunks are joined once, so reading is linear in the reply's size. The whole exchange is
 * bounded by `timeoutMs`: then the stream is reset and the promise rejects. It resolves as soon
 * as the reply is complete; the stream is then drained in the background until the peer closes
 * it (mplex drops a connection that keeps getting messages for streams it has forgotten).
 *
 * @example
 * const { payload, truncated } = await requestOnce(libp2p.getConnections(peerId), codec, frame, {
 *   maxBytes: 1 << 20,
 *   timeoutMs: 10_000,
 *   clock,
 *   lifetime,
 * });
 */
export async function requestOnce(
  connections: readonly ConnectionLike[],
  protocol: string,
  frame: Uint8Array,
  limits: RequestLimits,
): Promise<Reply> {
  const connection = connections.find(
    (candidate) => candidate.status === "open" && typeof (candidate as Partial<StreamingConnection>).newStream === "function",
  );
  if (connection === undefined) throw new Error("not connected");
  const limit = deadline(
    limits.clock,
    limits.lifetime,
    limits.timeoutMs,
    () => new Error(`no reply within ${limits.timeoutMs} ms`),
  );
  let stream: StreamLike | undefined;
  // Ended (a deadline, a cut reply, the owner stopped): the stream is reset. Released (drained): left as it is.
  limit.onEnd(() => {
    if (limit.signal.aborted)
      stream?.abort(limit.signal.reason instanceof Error ? limit.signal.reason : new Error("request abandoned"));
  });
  try {
    stream = await (connection as unknown as StreamingConnection).newStream(protocol, { signal: limit.signal });
    if (limit.ended) throw limit.signal.reason;
    await stream.sink([frame]);
    const source = stream.source[Symbol.asyncIterator]();
    const reply = await readReply(source, limits.maxBytes);
    if (reply.truncated) limit.end(new Error(`reply over ${limits.maxBytes} bytes`));
    else void drain(source).finally(() => limit.release());
    return reply;
  } catch (error) {
    limit.end(error);
    throw error;
  }
}

async function readReply(source: AsyncIterator<Uint8Array | { subarray(): Uint8Array }>, maxBytes: number): Promise<Reply> {
  const chunks: Uint8Array[] = [];
  let received = 0;
  let wanted: { start: number; end: number; truncated: boolean } | undefined;
  for (;;) {
    const next = await source.next();
    if (next.done === true) throw new Error(wanted === undefined ? "no reply" : "reply cut short");
    const bytes = next.value instanceof Uint8Array ? next.value : next.value.subarray();
    chunks.push(bytes);
    received += bytes.length;
    if (wanted === undefined) {
      const head = joined(chunks, Math.min(received, PREFIX_BYTES));
      const prefix = readVarint(head, 0, head.length);
      if (prefix === "invalid") throw new Error("bad length prefix");
      if (prefix !== undefined) {
        const length = Math.min(prefix.value, maxBytes);
        wanted = { start: prefix.next, end: prefix.next + length, truncated: prefix.value > maxBytes };
      }
    }
    if (wanted !== undefined && received >= wanted.end) {
      return { payload: joined(chunks, wanted.end).subarray(wanted.start), truncated: wanted.truncated };
    }
  }
}

/** The first `length` bytes of the chunks, as one array. */
function joined(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    if (offset >= length) break;
    const part = chunk.subarray(0, length - offset);
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

async function drain(source: AsyncIterator<unknown>): Promise<void> {
  try {
    while ((await source.next()).done !== true) {
      // Nothing more is expected; whatever comes is dropped until the peer closes its side.
    }
  } catch {
    // Reset, or the deadline passed: nothing left to drain.
  }
}
