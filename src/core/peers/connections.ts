import { deadline } from "../lifetime/timers.js";
import type { Runtime } from "../runtime.js";
import type { PeerIdLike } from "../sdk/node-boundary.js";

/** How long a graceful hang-up may take before libp2p aborts the connection. */
const HANG_UP_TIMEOUT_MS = 2_000;

/**
 * Closes every connection to a peer: aborted for a peer that does not answer (`abort`: a graceful
 * close would wait for it), else a graceful hang-up bounded in time. Never throws, never rejects.
 */
export function closeConnections(runtime: Runtime, peerId: PeerIdLike, reason: string, abort: boolean): void {
  let aborted = false;
  if (abort) {
    for (const connection of runtime.libp2p.getConnections(peerId)) {
      if (typeof connection.abort !== "function") continue;
      try {
        connection.abort(new Error(reason));
        aborted = true;
      } catch {
        // fall back to the hang-up below
      }
    }
  }
  if (!aborted) {
    const limit = deadline(
      runtime.clock,
      runtime.lifetime,
      HANG_UP_TIMEOUT_MS,
      () => new Error(`hang-up timed out after ${HANG_UP_TIMEOUT_MS} ms`),
    );
    runtime.libp2p
      .hangUp(peerId, { signal: limit.signal })
      .catch(() => {
        // Already closed, or libp2p stopping: either way the connection is going away.
      })
      .finally(() => limit.release());
  }
  runtime.table.touch(peerId.toString());
}

/**
 * A peer with no open connection whose last one libp2p is still closing (it keeps a connection up
 * to 0.5 s after its socket closed). A dial now would only be handed that connection back.
 */
export function isStillClosing(runtime: Runtime, id: string): boolean {
  const record = runtime.table.get(id);
  if (record === undefined) return false;
  const connections = runtime.libp2p.getConnections(record.peerId);
  return connections.length > 0 && connections.every((connection) => connection.status !== "open");
}
