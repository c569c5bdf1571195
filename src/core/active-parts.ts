// Everything that acts on the node — dials, hangs up, pings, patches the SDK's calls — loaded
// when a manager starts (a chunk of its own), so the main entry carries only what tells the
// truth about the node. See `preloadPeerManager` to load it ahead of time.
import { startPeerCache } from "./cache/peer-cache-keeper.js";
import { startLiveness } from "./detection/liveness.js";
import { readBootstrapPeers } from "./discovery/bootstrap-peers.js";
import { boundPeerExchange } from "./discovery/bounded-peer-exchange.js";
import { boundSdkDialQueue } from "./discovery/bounded-sdk-dials.js";
import { createCandidateIndex } from "./discovery/candidate-index.js";
import { startPeerPolicy } from "./policy/enforce.js";
import { recordOutcome } from "./policy/outcomes.js";
import { createPeerBlocks } from "./policy/peer-blocks.js";
import { createDialPool } from "./recovery/dial-pool.js";
import { createReconnect } from "./recovery/reconnect.js";
import { startRecovery } from "./recovery/recovery-loop.js";
import type { Runtime } from "./runtime.js";
import { installDialGate } from "./sdk/dial-gate.js";
import { watchSdk } from "./sdk/watch-sdk.js";
import type { ProtocolName, ReconnectResult } from "./types.js";

export interface ActiveParts {
  reconnect(options?: unknown): Promise<ReconnectResult>;
  /** `reportFailure` / `reportSuccess`, checked by the caller. */
  report(peerId: string, protocol: ProtocolName, ok: boolean, reason?: string): void;
}

/**
 * Wires the acting parts onto the runtime, in the order they follow each commit: dial
 * bookkeeping, peer policy, recovery, the peer cache. Parts started after the first commit catch up
 * from the initial state (`runtime.catchUp()`), so a late start misses nothing.
 */
export function startActiveParts(runtime: Runtime): ActiveParts {
  const index = createCandidateIndex(runtime.libp2p, runtime.lifetime, runtime.bootstrapIds);
  const { peers, ignored } = readBootstrapPeers(runtime.options.bootstrapPeers, runtime.parseMultiaddr);
  for (const { id, address } of peers) {
    runtime.bootstrapIds.add(id);
    index.addAddress(id, address, false);
  }
  if (ignored.length > 0) runtime.fail("BOOTSTRAP_PEERS_IGNORED", `bootstrapPeers not used: ${ignored.join("; ")}`);
  const { clock, lifetime } = runtime;
  const blocks = createPeerBlocks(installDialGate(runtime.libp2p, lifetime), clock, lifetime, (id) =>
    runtime.bus.emit("quarantineOver", id),
  );
  const pool = createDialPool(runtime, index, blocks);
  boundPeerExchange(runtime, pool);
  boundSdkDialQueue(runtime, blocks);
  startPeerPolicy(runtime, pool);
  startLiveness(runtime);
  startRecovery(runtime, pool);
  startPeerCache(runtime, pool);
  watchSdk(runtime, pool);
  const reconnect = createReconnect(runtime, pool);
  runtime.catchUp();
  return { reconnect, report: (peerId, protocol, ok, reason) => recordOutcome(runtime, pool, peerId, protocol, ok, reason) };
}
