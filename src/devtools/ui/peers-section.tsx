import type { ReactElement } from "react";

import { DEFAULT_OPTIONS, type PeerEvent, type PeerInfo, type WakuPeersState } from "../../core/index.js";
import { FAILURE_PENALTY, INITIAL_SCORE, SUCCESS_REWARD } from "../../core/peers/score.js";
import { clockTime, duration, shortId } from "./format.js";
import { peerBlocks, type PeerBlock } from "./peer-blocks.js";

interface PeersSectionProps {
  peers: WakuPeersState["peers"];
  history: readonly PeerEvent[];
  labels: Readonly<Record<string, string>> | undefined;
  now: number;
  /** Undefined when there is no node to hang up on. */
  onHangUp: ((peerId: string) => void) | undefined;
}

/** Connected peers first, then the recently seen ones (greyed), each with score, round trip, tags and any quarantine. */
export function PeersSection({ peers, history, labels, now, onHangUp }: PeersSectionProps): ReactElement {
  const list = Object.values(peers).sort((a, b) => Number(b.connected) - Number(a.connected) || a.id.localeCompare(b.id));
  const blocks = peerBlocks(history);
  return (
    <div className="section wide" data-testid="devtools-peers">
      <h3 className="label">
        Peers{" "}
        <span className="muted">
          ({list.filter((peer) => peer.connected).length} connected, {list.length} known)
        </span>
      </h3>
      {list.length === 0 ? (
        <p className="muted">No peers yet.</p>
      ) : (
        <ul className="list scroll">
          {list.map((peer) => (
            <PeerRow
              key={peer.id}
              peer={peer}
              label={labels?.[peer.id]}
              block={blocks.get(peer.id)}
              now={now}
              onHangUp={onHangUp}
            />
          ))}
        </ul>
      )}
      <p className="small muted" style={{ margin: "6px 0 0" }}>
        Score 0–{INITIAL_SCORE}: starts at {INITIAL_SCORE}, a protocol failure costs {FAILURE_PENALTY}, a success earns{" "}
        {SUCCESS_REWARD}; below the threshold (default {DEFAULT_OPTIONS.peerPolicy.replaceBelowScore}) the peer is replaced and
        quarantined. Greyed: not connected.
      </p>
    </div>
  );
}

function PeerRow({
  peer,
  label,
  block,
  now,
  onHangUp,
}: {
  peer: PeerInfo;
  label: string | undefined;
  block: PeerBlock | undefined;
  now: number;
  onHangUp: PeersSectionProps["onHangUp"];
}) {
  const state = block?.kind ?? (peer.connected ? "connected" : "not connected");
  return (
    <li className={`peer${peer.connected ? "" : " away"}`} data-testid="devtools-peer" data-peer-id={peer.id} data-state={state}>
      <span>
        <span className="mono" title={peer.id}>
          {shortId(peer.id)}
        </span>
        {label && <span className="muted"> {label}</span>}{" "}
        <span className={`chip small ${block ? "bad" : peer.connected ? "ok" : "muted"}`}>{state}</span>
      </span>
      <span className="small">
        <span
          className={
            peer.score >= INITIAL_SCORE - FAILURE_PENALTY
              ? "ok"
              : peer.score >= DEFAULT_OPTIONS.peerPolicy.replaceBelowScore
                ? "short"
                : "bad"
          }
          data-testid="devtools-peer-score"
        >
          score {peer.score}
        </span>
        {" · "}
        {peer.rttMs === undefined ? "— ms" : `${Math.round(peer.rttMs)} ms`}
      </span>
      <span className="small muted">
        {peer.protocols.join(", ") || "no Waku protocol"} · {peer.tags.join(", ") || "untagged"}
        {peer.connectedSince !== undefined && ` · since ${clockTime(peer.connectedSince)}`}
      </span>
      <span>
        {peer.connected && onHangUp && (
          <button type="button" data-testid="devtools-hang-up" onClick={() => onHangUp(peer.id)}>
            Hang up
          </button>
        )}
      </span>
      {block && (
        <span className="small bad" style={{ gridColumn: "1 / -1" }}>
          {block.kind} {duration(now - block.since)} ago: {block.reason}
        </span>
      )}
      {peer.lastFailure && (
        <span className="small short" style={{ gridColumn: "1 / -1" }}>
          last failure {duration(now - peer.lastFailure.at)} ago: {peer.lastFailure.protocol}: {peer.lastFailure.reason}
        </span>
      )}
    </li>
  );
}
