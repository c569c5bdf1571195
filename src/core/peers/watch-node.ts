import type { Runtime } from "../runtime.js";
import type { ConnectionLike, NodeEventMap, NodeEventName } from "../sdk/node-boundary.js";
import { watchConnectionClosing } from "../sdk/connection-internals.js";
import { protocolLabel } from "./codecs.js";
import type { PeerRecord } from "./peer-table.js";

/**
 * Follows libp2p's peer and connection events into the peer table. Handlers do O(1) work and
 * never touch the store (the table schedules the commit). What is already connected is read at
 * attach, because events fired before it are gone. Peer store reads for peers no event has
 * described yet are batched per microtask: within one burst libp2p's own `peer:update` often
 * arrives with everything, and the read is skipped. A connection leaves the counts the moment
 * libp2p starts closing it (see {@link followClosingConnections}), not half a second later with
 * `connection:close`. Every listener goes with `runtime.signal`.
 */
export function watchNode(runtime: Runtime): void {
  const { libp2p, table, signal, lifetime } = runtime;
  const needsRead = new Set<PeerRecord>();
  let readScheduled = false;

  const listen = <K extends NodeEventName>(name: K, handler: (event: NodeEventMap[K]) => void): void => {
    libp2p.addEventListener(name, handler);
    lifetime.onEnd(() => libp2p.removeEventListener(name, handler));
  };
  followClosingConnections(runtime, listen);

  const noteIfUndescribed = (record: PeerRecord): void => {
    if (isDescribed(record) || record.storeReadPending) return;
    needsRead.add(record);
    if (readScheduled) return;
    readScheduled = true;
    queueMicrotask(readMissing);
  };

  const readMissing = (): void => {
    readScheduled = false;
    for (const record of needsRead) {
      if (!signal.aborted && table.get(record.id) === record && !isDescribed(record) && !record.storeReadPending) read(record);
    }
    needsRead.clear();
  };

  const read = (record: PeerRecord): void => {
    record.storeReadPending = true;
    libp2p.peerStore.get(record.peerId).then(
      (peer) => {
        record.storeReadPending = false;
        if (!signal.aborted && table.get(record.id) === record) table.applyPeerStoreEntry(record, peer, false);
      },
      () => {
        // Not in the peer store yet: identify will describe it, and it has no discovery tags.
        record.storeReadPending = false;
        record.tagsKnown = true;
      },
    );
  };

  listen("peer:connect", (event) => {
    const record = table.track(event.detail);
    noteIfUndescribed(record);
    runtime.event("peer:connected", record.id);
  });
  listen("peer:disconnect", (event) => {
    const id = event.detail.toString();
    if (table.get(id) === undefined) return;
    table.touch(id);
    runtime.event("peer:disconnected", id);
  });
  listen("peer:identify", (event) => {
    const record = table.track(event.detail.peerId);
    table.setProtocols(record, event.detail.protocols);
    noteIfUndescribed(record);
    runtime.event("peer:identified", record.id, protocolLabel(record.protocolMask));
  });
  listen("peer:update", (event) => {
    // Fires for every peer store write, including the many peers discovered but never
    // connected: those must cost a map lookup and nothing more.
    const record = table.get(event.detail.peer.id.toString());
    if (record === undefined) return;
    table.applyPeerStoreEntry(record, event.detail.peer, true);
    needsRead.delete(record);
  });
  listen("connection:open", (event) => noteIfUndescribed(table.track(event.detail.remotePeer)));
  listen("connection:close", (event) => table.touch(event.detail.remotePeer.toString()));

  for (const connection of libp2p.getConnections()) noteIfUndescribed(table.track(connection.remotePeer));
  lifetime.onEnd(() => needsRead.clear());
}

type Listen = <K extends NodeEventName>(name: K, handler: (event: NodeEventMap[K]) => void) => void;

/**
 * A killed peer's connection stops being open 50–150 ms after the kill (its socket closes), but
 * libp2p's `connection:close` comes only after a graceful close with a fixed 500 ms timeout. The
 * peer table counts open connections only, so all it needs is to look again the moment a
 * connection starts closing: each connection's close path is hooked (feature-detected, see
 * `watchConnectionClosing`) from `connection:open`, and at attach for those already open. A hook
 * goes with its connection's `connection:close`, and every hook with the manager.
 */
function followClosingConnections(runtime: Runtime, listen: Listen): void {
  const hooks = new Map<ConnectionLike, () => void>();
  const hook = (connection: ConnectionLike): void => {
    if (hooks.has(connection) || connection.status !== "open") return;
    const release = watchConnectionClosing(connection, () => runtime.table.touch(connection.remotePeer.toString()));
    if (release !== undefined) hooks.set(connection, release);
  };
  listen("connection:open", (event) => hook(event.detail));
  listen("connection:close", (event) => {
    hooks.get(event.detail)?.();
    hooks.delete(event.detail);
  });
  for (const connection of runtime.libp2p.getConnections()) hook(connection);
  runtime.lifetime.onEnd(() => {
    for (const release of hooks.values()) release();
    hooks.clear();
  });
}

function isDescribed(record: PeerRecord): boolean {
  return record.protocolsKnown && record.tagsKnown;
}
