import type { PeerInfo, WakuPeersState } from "../core/types.js";

/** A named change of the state, as Redux DevTools lists it (`status/connected`, `peer/added`, …). */
export interface DevtoolsAction {
  type: string;
  [detail: string]: unknown;
}

/**
 * What changed between two states, as named actions (the zustand `devtools` habit: every change
 * gets a name a developer can search for). One commit can carry several; a commit that changed
 * something no rule names is `state/changed`.
 *
 * @example
 * describeChanges(previous, next);
 * // [{ type: "status/reconnecting", from: "connected" }, { type: "peer/disconnected", peerId: "…" }]
 */
export function describeChanges(previous: WakuPeersState, next: WakuPeersState): DevtoolsAction[] {
  if (previous === next) return [];
  const actions: DevtoolsAction[] = [];
  if (next.status !== previous.status) actions.push({ type: `status/${next.status}`, from: previous.status });
  if (next.peers !== previous.peers) actions.push(...peerChanges(previous.peers, next.peers));
  if (next.health !== previous.health && countsDiffer(previous, next))
    actions.push({ type: "health/changed", counts: countsOf(next), overall: next.health.overall });
  actions.push(...recoveryChanges(previous.recovery, next.recovery));
  if (next.lost !== previous.lost) actions.push({ type: `lost/${next.lost}` });
  if (next.lastError !== previous.lastError && next.lastError !== undefined)
    actions.push({ type: `error/${next.lastError.code}`, message: next.lastError.message });
  if (next.online !== previous.online) actions.push({ type: next.online ? "environment/online" : "environment/offline" });
  if (actions.length === 0 && next.events !== previous.events)
    actions.push({ type: "events/logged", latest: next.events.at(-1) });
  if (actions.length === 0) actions.push({ type: "state/changed" });
  return actions;
}

function peerChanges(previous: WakuPeersState["peers"], next: WakuPeersState["peers"]): DevtoolsAction[] {
  const actions: DevtoolsAction[] = [];
  for (const [peerId, peer] of Object.entries(next)) {
    const before = previous[peerId];
    if (before === undefined) actions.push({ type: "peer/added", peerId, connected: peer.connected, protocols: peer.protocols });
    else if (before !== peer) actions.push(peerUpdate(peerId, before, peer));
  }
  for (const peerId of Object.keys(previous)) if (!(peerId in next)) actions.push({ type: "peer/removed", peerId });
  return actions;
}

function peerUpdate(peerId: string, before: PeerInfo, peer: PeerInfo): DevtoolsAction {
  if (before.connected !== peer.connected) return { type: peer.connected ? "peer/connected" : "peer/disconnected", peerId };
  if (before.score !== peer.score)
    return { type: "peer/score", peerId, from: before.score, to: peer.score, lastFailure: peer.lastFailure };
  if (before.protocols !== peer.protocols) return { type: "peer/identified", peerId, protocols: peer.protocols };
  return { type: "peer/updated", peerId, rttMs: peer.rttMs };
}

function recoveryChanges(previous: WakuPeersState["recovery"], next: WakuPeersState["recovery"]): DevtoolsAction[] {
  if (previous === next) return [];
  const actions: DevtoolsAction[] = [];
  if (next.manual && !previous.manual) actions.push({ type: "reconnect/started" });
  else if (!next.manual && previous.manual) actions.push({ type: "reconnect/finished" });
  else if (next.progress !== previous.progress && next.progress !== undefined)
    actions.push({ type: "reconnect/progress", ...next.progress });
  if (next.attempt > previous.attempt)
    actions.push({ type: "recovery/attempt", attempt: next.attempt, nextRetryAt: next.nextRetryAt });
  if (next.lastRecoveredAt !== previous.lastRecoveredAt && next.lastRecoveredAt !== undefined)
    actions.push({ type: "recovery/recovered", at: next.lastRecoveredAt });
  if (actions.length === 0 && next.inProgress !== previous.inProgress)
    actions.push({ type: next.inProgress ? "recovery/started" : "recovery/ended" });
  return actions;
}

const countsOf = (state: WakuPeersState) => ({
  lightPush: state.health.lightPush.connected,
  filter: state.health.filter.connected,
  store: state.health.store.connected,
  peerExchange: state.health.peerExchange.connected,
});

function countsDiffer(previous: WakuPeersState, next: WakuPeersState): boolean {
  const before = countsOf(previous);
  const after = countsOf(next);
  return (
    (Object.keys(after) as (keyof typeof after)[]).some((key) => before[key] !== after[key]) ||
    previous.health.overall !== next.health.overall
  );
}
