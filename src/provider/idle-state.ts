import type { Requirements, WakuPeersState } from "../core/index.js";
import { createInitialState, resolveRequirements } from "../core/index.js";

/**
 * The state before any manager is attached: first render, server rendering, a node still being
 * created. The manager's own initial state, so nothing changes when it takes over; deterministic
 * (no clock, no `window`), so the server and the hydrating client agree.
 *
 * @throws {WakuPeersError} `INVALID_REQUIREMENTS`, so misuse surfaces during render, where an
 * error boundary shows it, instead of as a `lastError` nobody reads.
 */
export function createIdleState(requirements?: Partial<Requirements>): WakuPeersState {
  return createInitialState(resolveRequirements(requirements));
}
