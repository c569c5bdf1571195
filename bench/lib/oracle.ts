/**
 * What the UI should show, worked out independently from the fake node's facts: counts from
 * scratch (../lib/naive-counts.ts), health and status by the tables in DESIGN.md. The render
 * benchmark counts how often these change and compares that with how often components render.
 */
import { DEFAULT_REQUIREMENTS, type ConnectionStatus, type Libp2pLike, type OverallHealth } from "../../src/core/index.js";
import { countFromScratch, type NaiveCounts } from "./naive-counts.js";

export interface OracleView {
  counts: NaiveCounts;
  overall: OverallHealth;
  status: ConnectionStatus;
}

export function overallOf(counts: NaiveCounts): OverallHealth {
  const servicePeersKnown = counts.lightPush + counts.filter + counts.store + counts.peerExchange > 0;
  if (!servicePeersKnown) return "unhealthy";
  const met = (Object.keys(counts) as (keyof NaiveCounts)[]).every((name) => counts[name] >= DEFAULT_REQUIREMENTS[name]);
  return met ? "healthy" : "degraded";
}

/** Follows the facts over time; `everConnected` decides connecting vs reconnecting, as in the core. */
export function createOracle(libp2p: Libp2pLike): { sample(): Promise<OracleView> } {
  let everConnected = false;
  return {
    async sample() {
      const counts = await countFromScratch(libp2p);
      const overall = overallOf(counts);
      if (overall === "healthy") everConnected = true;
      const status: ConnectionStatus =
        overall === "healthy" ? "connected" : overall === "degraded" ? "degraded" : everConnected ? "reconnecting" : "connecting";
      return { counts, overall, status };
    },
  };
}

/** The health a counts panel shows, as one comparable string. */
export const healthKey = (view: OracleView): string =>
  `${view.counts.lightPush}/${view.counts.filter}/${view.counts.store}/${view.counts.peerExchange}/${view.overall}`;
