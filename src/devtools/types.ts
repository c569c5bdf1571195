import type { PeerManager } from "../core/index.js";

/** The node the panel hangs peers up on: a `LightNode` (only `libp2p` is used). */
export interface DevtoolsNode {
  libp2p: {
    getConnections(): readonly { remotePeer: { toString(): string } }[];
    hangUp(peer: never): Promise<void>;
  };
}

export interface WakuPeersDevtoolsPanelProps {
  /** Show this peer manager instead of the nearest `<WakuPeersProvider>`'s. */
  manager?: PeerManager | undefined;
  /** With `manager`: its node, for "Hang up". Default: the provider's node. */
  node?: DevtoolsNode | undefined;
  /** Names for known peers (your own service nodes…), by peer id; shown beside the id. */
  peerLabels?: Readonly<Record<string, string>> | undefined;
}

export interface WakuPeersDevtoolsProps extends WakuPeersDevtoolsPanelProps {
  /** Open on first render. Default `false`: a small status button until clicked. */
  initialIsOpen?: boolean | undefined;
  /** Corner of the viewport. Default `"bottom-right"`. */
  position?: "bottom-right" | "bottom-left" | "top-right" | "top-left" | undefined;
}
