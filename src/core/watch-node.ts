import { protocolNamesFromCodecs } from "./codecs.js";
import type { Libp2pLike, NodeEventMap, NodeEventName } from "./node-boundary.js";
import type { PeerRecord, PeerTable } from "./peer-table.js";
import type { PeerEventType } from "./types.js";

export interface NodeWatcherCallbacks {
  /** Something in the table changed; schedule a commit. */
  changed(): void;
  /** A peer event for the recent-events log. */
  event(type: PeerEventType, peerId: string, detail?: string): void;
}

export interface NodeWatcher {
  /**
   * Starts the peer store reads still needed by peers no event has described yet. Called at
   * commit time rather than per event: within one burst libp2p's own `peer:update` often arrives
   * with everything, and the read is skipped.
   */
  readMissingPeerData(): void;
  /** Removes every listener; later read results are dropped. */
  detach(): void;
}

/**
 * Follows libp2p's peer and connection events into the peer table. Handlers do O(1) work and
 * never touch the store; the manager commits once per burst. What is already connected is read
 * at attach, because events fired before it are gone.
 */
export function watchNode(libp2p: Libp2pLike, table: PeerTable, callbacks: NodeWatcherCallbacks): NodeWatcher {
  let attached = true;
  const needsRead = new Set<PeerRecord>();
  const removals: (() => void)[] = [];

  const listen = <K extends NodeEventName>(name: K, handler: (event: NodeEventMap[K]) => void): void => {
    libp2p.addEventListener(name, handler);
    removals.push(() => libp2p.removeEventListener(name, handler));
  };

  const noteIfUndescribed = (record: PeerRecord): void => {
    if (!isDescribed(record) && !record.storeReadPending) needsRead.add(record);
  };

  listen("peer:connect", (event) => {
    const record = table.track(event.detail);
    noteIfUndescribed(record);
    callbacks.event("peer:connected", record.id);
    callbacks.changed();
  });

  listen("peer:disconnect", (event) => {
    const id = event.detail.toString();
    if (table.get(id) === undefined) return;
    table.touch(id);
    callbacks.event("peer:disconnected", id);
    callbacks.changed();
  });

  listen("peer:identify", (event) => {
    const record = table.track(event.detail.peerId);
    table.setProtocols(record, event.detail.protocols);
    noteIfUndescribed(record);
    callbacks.event("peer:identified", record.id, protocolNamesFromCodecs(event.detail.protocols).join(","));
    callbacks.changed();
  });

  listen("peer:update", (event) => {
    // Fires for every peer store write, including the many peers discovered but never
    // connected: those must cost a map lookup and nothing more.
    const record = table.get(event.detail.peer.id.toString());
    if (record === undefined) return;
    table.applyPeerStoreEntry(record, event.detail.peer, true);
    needsRead.delete(record);
    callbacks.changed();
  });

  listen("connection:open", (event) => {
    noteIfUndescribed(table.track(event.detail.remotePeer));
    callbacks.changed();
  });

  listen("connection:close", (event) => {
    table.touch(event.detail.remotePeer.toString());
    callbacks.changed();
  });

  for (const connection of libp2p.getConnections()) noteIfUndescribed(table.track(connection.remotePeer));

  const read = (record: PeerRecord): void => {
    record.storeReadPending = true;
    libp2p.peerStore.get(record.peerId).then(
      (peer) => {
        record.storeReadPending = false;
        if (!attached || table.get(record.id) !== record) return;
        table.applyPeerStoreEntry(record, peer, false);
        callbacks.changed();
      },
      () => {
        // Not in the peer store yet: identify will describe it, and it has no discovery tags.
        record.storeReadPending = false;
        record.tagsKnown = true;
      },
    );
  };

  return {
    readMissingPeerData() {
      if (!attached) return;
      for (const record of needsRead) {
        if (table.get(record.id) === record && !isDescribed(record) && !record.storeReadPending) read(record);
      }
      needsRead.clear();
    },
    detach() {
      if (!attached) return;
      attached = false;
      needsRead.clear();
      for (const remove of removals) remove();
      removals.length = 0;
    },
  };
}

function isDescribed(record: PeerRecord): boolean {
  return record.protocolsKnown && record.tagsKnown;
}
