import { usePeers, type PeerInfo } from "../../../src/index.js";

interface FleetNodeLabel {
  index: number;
  peerId: string;
  role: string;
}

export function PeersTable({ fleetNodes }: { fleetNodes: FleetNodeLabel[] }) {
  const peers = usePeers();
  const labelOf = (peer: PeerInfo) => {
    const node = fleetNodes.find((candidate) => candidate.peerId === peer.id);
    return node ? `node ${node.index} (${node.role})` : "";
  };
  if (peers.length === 0) return <p className="muted">No peers yet.</p>;
  return (
    <table className="peers" data-testid="peers-table">
      <thead>
        <tr>
          <th>Peer</th>
          <th>Protocols</th>
          <th>Tags</th>
          <th>RTT</th>
          <th>Score</th>
          <th>Connected since</th>
        </tr>
      </thead>
      <tbody>
        {peers.map((peer) => (
          <tr key={peer.id} className={peer.connected ? "" : "muted"} data-peer-id={peer.id}>
            <td title={peer.id}>
              …{peer.id.slice(-8)} <span className="muted">{labelOf(peer)}</span>
            </td>
            <td>{peer.protocols.join(", ") || "—"}</td>
            <td>{peer.tags.join(", ") || "—"}</td>
            <td>{peer.rttMs === undefined ? "—" : `${Math.round(peer.rttMs)} ms`}</td>
            <td>{peer.score}</td>
            <td>{peer.connectedSince ? new Date(peer.connectedSince).toLocaleTimeString() : "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
