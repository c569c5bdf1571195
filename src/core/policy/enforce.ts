import { closeConnections } from "../peers/connections.js";
import type { PeerRecord } from "../peers/peer-table.js";
import { isServiceRecord } from "../peers/peer-table.js";
import { PROBATION_SCORE } from "../peers/score.js";
import type { DialPool } from "../recovery/dial-pool.js";
import type { Runtime } from "../runtime.js";
import type { ServicePeer } from "./peer-policy.js";
import { planBootstrapLimit } from "./peer-policy.js";

/**
 * Enforces js-waku issue 914's bootstrap rule after every commit that changed the peers: at most
 * `maxBootstrapServicePeers` bootstrap peers serve once the others meet the requirements (the
 * surplus is hung up and kept out by the dial gate), and they are let back the moment the others
 * stop sufficing. Blocked peers that connected anyway (no dial gate, or dialed before the block)
 * are hung up as soon as they appear. A replaced peer whose quarantine ends comes back on probation.
 */
export function startPeerPolicy(runtime: Runtime, pool: DialPool): void {
  let membership: number | undefined;
  runtime.bus.on("committed", () => {
    // Only a peer connecting, leaving or changing protocols gives the policy work.
    if (runtime.table.membership === membership) return;
    membership = runtime.table.membership;
    enforce(runtime, pool);
  });
  runtime.bus.on("quarantineOver", (id) => {
    const record = runtime.table.get(id);
    if (record !== undefined && record.score < PROBATION_SCORE) runtime.table.updateScore(record, PROBATION_SCORE);
    runtime.event("peer:parked", id, "quarantine over");
  });
}

function enforce(runtime: Runtime, pool: DialPool): void {
  const { table } = runtime;
  const { blocks } = pool;
  const service: PeerRecord[] = [];
  let bootstrapPeers = 0;
  for (const record of table.connectedRecords()) {
    if (blocks.isBlocked(record.id)) {
      closeConnections(runtime, record.peerId, `blocked (${blocks.reason(record.id) ?? "policy"})`, false);
    } else if (isServiceRecord(record)) {
      if (runtime.isBootstrap(record)) bootstrapPeers++;
      service.push(record);
    }
  }
  // The common case, on every commit that changed a row: no surplus bootstrap peer to hang up, none parked to let back.
  if (bootstrapPeers <= runtime.options.peerPolicy.maxBootstrapServicePeers && !blocks.has("surplus-bootstrap")) return;
  limitBootstrapPeers(runtime, pool, service);
}

function limitBootstrapPeers(runtime: Runtime, pool: DialPool, records: readonly PeerRecord[]): void {
  const { table } = runtime;
  const { blocks } = pool;
  const service: ServicePeer[] = records.map((record) => ({
    id: record.id,
    protocolMask: record.protocolMask,
    bootstrap: runtime.isBootstrap(record),
    score: record.score,
    connectedSince: record.info?.connectedSince,
  }));
  const plan = planBootstrapLimit(service, runtime.options.requirements, runtime.options.peerPolicy.maxBootstrapServicePeers);
  if (!plan.othersSuffice) {
    for (const id of blocks.unblockAll("surplus-bootstrap")) {
      runtime.event("peer:parked", id, "released: the other peers no longer meet the requirements");
    }
    return;
  }
  for (const id of plan.surplus) {
    const record = table.get(id);
    if (record === undefined) continue;
    blocks.block(id, "surplus-bootstrap");
    runtime.event("peer:parked", id, "surplus bootstrap peer: the other peers meet the requirements");
    closeConnections(runtime, record.peerId, "surplus bootstrap peer", false);
  }
}
