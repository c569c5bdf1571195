/**
 * The shape every Waku request/response server shares: read one frame, compute one reply,
 * wait the injected latency, write the reply, let the client close. A failing stream is
 * aborted and logged, never thrown: a client that vanished mid-request must not disturb
 * the node.
 */
import type { Connection, IncomingStreamData, Logger } from "@libp2p/interface";
import type { Libp2p } from "libp2p";
import type { FaultState } from "./faults.js";
import { readFrame, writeFrame } from "./frames.js";

/** Computes the encoded reply to one encoded request. */
export type RequestHandler = (request: Uint8Array, connection: Connection) => Promise<Uint8Array> | Uint8Array;

/**
 * Streams per protocol per connection. libp2p's default (32) is low for a node that many
 * light nodes use at once, and the SDK keeps one idle stream per codec open in advance.
 */
export const MAX_STREAMS_PER_PROTOCOL = 256;

export interface RequestResponseServer {
  codec: string;
  handle: RequestHandler;
}

export async function serveRequestResponse(
  libp2p: Libp2p,
  server: RequestResponseServer,
  faults: FaultState,
  log: Logger,
): Promise<void> {
  await libp2p.handle(
    server.codec,
    (incoming: IncomingStreamData) => {
      void answerOneRequest(incoming, server, faults, log);
    },
    { maxInboundStreams: MAX_STREAMS_PER_PROTOCOL, maxOutboundStreams: MAX_STREAMS_PER_PROTOCOL },
  );
}

async function answerOneRequest(
  { stream, connection }: IncomingStreamData,
  server: RequestResponseServer,
  faults: FaultState,
  log: Logger,
): Promise<void> {
  try {
    const { frame, remoteClosed } = await readFrame(stream);
    if (frame === undefined) {
      await stream.close();
      return;
    }
    const reply = await server.handle(frame, connection);
    await faults.delayReply();
    await writeFrame(stream, reply);
    // Clients close their write side right after the request; one that does not is cut off.
    if (!(await settlesWithin(remoteClosed, LINGER_AFTER_REPLY_MS))) {
      stream.abort(new Error("client kept its side of the stream open after the reply"));
    }
  } catch (err) {
    log("%s from %p failed: %s", server.codec, connection.remotePeer, describeError(err));
    stream.abort(err instanceof Error ? err : new Error(String(err)));
  }
}

/** How long a stream may stay half-open after the reply before it is reset. */
const LINGER_AFTER_REPLY_MS = 10_000;

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

export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
