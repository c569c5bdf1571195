/**
 * The libp2p ping protocol, answered by the node itself so that the `latencyMs` / `jitterMs`
 * faults delay pings like every other reply (libp2p's own ping service would answer at loopback
 * speed, and a client's liveness check would never see the latency the fault promises).
 * Same wire behaviour as `@libp2p/ping`: every 32 bytes in are echoed back, until the client
 * closes its side.
 */
import type { Libp2p, Stream } from "@libp2p/interface";
import type { FaultState } from "./faults.js";

export const PING_PROTOCOL = "/ipfs/ping/1.0.0";

/** As `@libp2p/ping` allows; a client pings each node at most once or twice at a time. */
const MAX_INBOUND_PING_STREAMS = 256;

/**
 * Registers the ping echo. Call before the node starts listening, so identify announces it.
 *
 * @example
 * await servePing(libp2p, faults);
 */
export async function servePing(libp2p: Libp2p, faults: FaultState): Promise<void> {
  await libp2p.handle(PING_PROTOCOL, ({ stream }) => void echo(stream, faults), {
    maxInboundStreams: MAX_INBOUND_PING_STREAMS,
    runOnLimitedConnection: true,
  });
}

async function echo(stream: Stream, faults: FaultState): Promise<void> {
  try {
    await stream.sink(
      (async function* () {
        for await (const chunk of stream.source) {
          await faults.delayReply();
          yield chunk;
        }
      })(),
    );
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)));
  }
}
