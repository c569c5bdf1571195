/** Fleets for the end-to-end rows: started with room for a loaded machine, always closed. */
import { startFleet, type Fleet, type FleetOptions } from "waku-peers-fleet";

// Several node processes booting at once on two shared cores can take far longer than the
// fleet's 20 s default; a slow start is not what any row measures.
const READY_TIMEOUT_MS = 90_000;

export function startBenchFleet(options: FleetOptions = {}): Promise<Fleet> {
  return startFleet({ readyTimeoutMs: READY_TIMEOUT_MS, ...options });
}

export async function withFleet<T>(options: FleetOptions, body: (fleet: Fleet) => Promise<T>): Promise<T> {
  const fleet = await startBenchFleet(options);
  try {
    return await body(fleet);
  } finally {
    await fleet.close();
  }
}

/** Every node index of a fleet. */
export const nodeIndexes = (fleet: Fleet): number[] => fleet.nodes.map((node) => node.index);
