import type { PeerBlocks } from "../policy/peer-blocks.js";
import type { Runtime } from "../runtime.js";
import { read } from "../sdk/reach.js";
import { sdkDialer, wrapMethod } from "../sdk/sdk-internals.js";

/**
 * Dials the SDK may have queued at once. It works through its queue 3 dials per 500 ms and
 * awaits each batch, so 32 queued are several seconds of dialing already; a flooded peer store
 * once queued 97,000.
 */
export const MAX_SDK_QUEUED_DIALS = 32;

/**
 * Bounds the SDK's own dial queue (`sdk-internals.ts`, restored on stop). Every `peer:discovery`
 * event, and on every (re)connection each peer of the peer store, is pushed onto it — duplicates
 * included, without a bound. A dial the queue already holds, one to a peer we keep out, and
 * any dial beyond {@link MAX_SDK_QUEUED_DIALS} queued are dropped: the SDK's 5 s maintenance
 * tick offers the peer again later, and our own recovery dials through the dial pool anyway.
 */
export function boundSdkDialQueue(runtime: Runtime, blocks: PeerBlocks): void {
  const dialer = sdkDialer(runtime.node);
  if (dialer === undefined) return;
  wrapMethod(
    dialer,
    "dial",
    (original) =>
      function boundedDial(this: unknown, peerId: unknown) {
        const id = String(peerId);
        const queue = read(dialer, "dialingQueue");
        const queued = Array.isArray(queue) ? queue : [];
        if (blocks.isBlocked(id) || queued.length >= MAX_SDK_QUEUED_DIALS || queued.some((entry) => String(entry) === id)) {
          return Promise.resolve();
        }
        return original.call(this, peerId);
      },
    runtime.lifetime,
  );
}
