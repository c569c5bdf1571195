/**
 * The other fleet nodes: kept connected for the relay mesh and handed out by peer
 * exchange. They are tagged keep-alive in the peer store, so libp2p's reconnect queue
 * re-dials one that drops (a restart on the same port and key comes back by itself);
 * every `setPeers` also dials whoever is not connected, which covers nodes that were
 * down when the list first arrived.
 */
import { KEEP_ALIVE, type Logger, type PeerId } from "@libp2p/interface";
import { peerIdFromString } from "@libp2p/peer-id";
import { multiaddr, protocols as multiaddrProtocols } from "@multiformats/multiaddr";
import type { Libp2p } from "libp2p";
import type { FleetPeer } from "../ipc.js";
import { enrBytes } from "./enr.js";
import type { KnownPeerRecord } from "./peer-exchange.js";
import { describeError } from "./request-response.js";

/** Any tag starting with KEEP_ALIVE makes libp2p reconnect; this one is ours to remove. */
const FLEET_TAG = `${KEEP_ALIVE}-waku-fleet`;

export class FleetPeers {
  readonly #libp2p: Libp2p;
  readonly #log: Logger;
  #records: KnownPeerRecord[] = [];
  #tagged = new Map<string, PeerId>();

  constructor(libp2p: Libp2p, log: Logger) {
    this.#libp2p = libp2p;
    this.#log = log;
  }

  records(): readonly KnownPeerRecord[] {
    return this.#records;
  }

  /** Replaces the list; connecting happens in the background and failures are only logged. */
  update(peers: readonly FleetPeer[]): void {
    const self = this.#libp2p.peerId.toString();
    const others = peers.filter((peer) => peer.peerId !== self);
    this.#records = others.map((peer) => ({ peerId: peer.peerId, enr: enrBytes(peer.enr) }));
    const current = new Set(others.map((peer) => peer.peerId));
    for (const [key, peerId] of this.#tagged) {
      if (current.has(key)) continue;
      this.#tagged.delete(key);
      this.#libp2p.peerStore.merge(peerId, { tags: { [FLEET_TAG]: undefined } }).catch((err: unknown) => {
        this.#log("untagging %p failed: %s", peerId, describeError(err));
      });
    }
    for (const peer of others) {
      this.#connect(peer).catch((err: unknown) => {
        this.#log("connecting to fleet peer %s failed: %s", peer.peerId, describeError(err));
      });
    }
  }

  async #connect(peer: FleetPeer): Promise<void> {
    const peerId = peerIdFromString(peer.peerId);
    this.#tagged.set(peer.peerId, peerId);
    const address = multiaddr(peer.multiaddr);
    await this.#libp2p.peerStore.merge(peerId, {
      // The peer store keeps addresses without the /p2p suffix.
      multiaddrs: [address.getPeerId() ? address.decapsulateCode(multiaddrProtocols("p2p").code) : address],
      tags: { [FLEET_TAG]: { value: 100 } },
    });
    if (this.#libp2p.getConnections(peerId).some((connection) => connection.status === "open")) return;
    await this.#libp2p.dial(peerId);
  }
}
