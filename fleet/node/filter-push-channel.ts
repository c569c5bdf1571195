/**
 * One long-lived `/vac/waku/filter-push/2.0.0-beta1` stream per subscriber connection, as nwaku
 * keeps it. The SDK reads any number of `MessagePush` frames from one push stream, never closes
 * its side, and accepts at most 100 inbound push streams per connection: a server that opens a
 * stream per push (and closes only its own side) stops reaching a subscriber after 100 messages.
 *
 * Frames are queued and written in order by one writer. When the stream breaks (reset, the
 * connection closed) the channel opens a new one for the frames still queued, as long as the
 * connection is open; a frame already handed to a broken stream is lost, as with nwaku.
 */
import type { Connection, Logger, Stream } from "@libp2p/interface";
import { encodeFrame } from "./frames.js";
import { describeError, MAX_STREAMS_PER_PROTOCOL } from "./request-response.js";

/** Opening a push stream that takes longer than this gives up (a frozen subscriber). */
const OPEN_TIMEOUT_MS = 10_000;
/**
 * Frames waiting for a subscriber that does not read (frozen) are bounded: beyond this the oldest
 * are dropped, so a stuck subscriber cannot grow the node's memory without limit.
 */
export const MAX_QUEUED_PUSHES = 1_000;

export interface PushChannelEvents {
  /** A frame was handed to the stream. */
  written(): void;
  /** The channel gave up (connection closed): the owner forgets it. */
  closed(): void;
}

export class FilterPushChannel {
  readonly #connection: Connection;
  readonly #codec: string;
  readonly #events: PushChannelEvents;
  readonly #log: Logger;
  readonly #queue: Uint8Array[] = [];
  /** Wakes the writer when a frame is queued. */
  #wake: (() => void) | undefined;
  #writing = false;
  #closed = false;

  constructor(connection: Connection, codec: string, events: PushChannelEvents, log: Logger) {
    this.#connection = connection;
    this.#codec = codec;
    this.#events = events;
    this.#log = log;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Not closed, and its connection is still open. */
  get usable(): boolean {
    return !this.#closed && this.#connection.status === "open";
  }

  /** Queues one encoded `MessagePush`; never throws. */
  push(message: Uint8Array): void {
    if (this.#closed) return;
    this.#queue.push(encodeFrame(message));
    if (this.#queue.length > MAX_QUEUED_PUSHES) {
      this.#queue.shift();
      this.#log("filter push queue to %p full: dropped the oldest frame", this.#connection.remotePeer);
    }
    this.#wake?.();
    if (!this.#writing) void this.#run();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.length = 0;
    this.#wake?.();
    this.#events.closed();
  }

  /** Writes queued frames on one stream; opens a new one when it breaks, while the connection is open. */
  async #run(): Promise<void> {
    this.#writing = true;
    try {
      while (!this.#closed && this.#queue.length > 0) {
        if (this.#connection.status !== "open") {
          this.close();
          return;
        }
        let stream: Stream;
        try {
          stream = await this.#connection.newStream(this.#codec, {
            maxOutboundStreams: MAX_STREAMS_PER_PROTOCOL,
            signal: AbortSignal.timeout(OPEN_TIMEOUT_MS),
          });
        } catch (err) {
          this.#log("opening a filter push stream to %p failed: %s", this.#connection.remotePeer, describeError(err));
          this.close();
          return;
        }
        // The subscriber never writes; reading keeps our read side open (see the mplex trap in frames.ts).
        void drain(stream);
        try {
          await stream.sink(this.#frames());
        } catch (err) {
          this.#log("filter push stream to %p broke: %s", this.#connection.remotePeer, describeError(err));
          stream.abort(err instanceof Error ? err : new Error(String(err)));
        }
        if (this.#connection.status !== "open") this.close();
      }
    } finally {
      this.#writing = false;
    }
  }

  /** Yields queued frames until the channel closes; ends (closing the stream) only then. */
  async *#frames(): AsyncGenerator<Uint8Array> {
    while (!this.#closed) {
      const frame = this.#queue.shift();
      if (frame !== undefined) {
        yield frame;
        this.#events.written();
        continue;
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = undefined;
    }
  }
}

async function drain(stream: Stream): Promise<void> {
  try {
    for await (const _ of stream.source) {
      // Nothing is expected from a subscriber on a push stream.
    }
  } catch {
    // A reset stream ends the same way.
  }
}
