import type { ConnectionStatus, OverallHealth } from "./types.js";

export interface StatusInput {
  /** The manager is attached to a node. */
  started: boolean;
  /** `stop()` was called. */
  stopped: boolean;
  /** Health of the current peers (see `computeHealth`). */
  health: OverallHealth;
  /** Requirements have been met at least once since start. */
  everConnected: boolean;
  /** The environment's hint. */
  online: boolean;
}

/**
 * The public status, derived from nothing but the current facts, so the same facts always give
 * the same status:
 *
 * | facts                                   | status         |
 * |-----------------------------------------|----------------|
 * | stopped                                 | `disconnected` |
 * | not started                             | `idle`         |
 * | every requirement met                   | `connected`    |
 * | some service peers, a requirement unmet | `degraded`     |
 * | no service peer, device says offline    | `offline`      |
 * | no service peer, never connected        | `connecting`   |
 * | no service peer, was connected          | `reconnecting` |
 *
 * "Was connected" decides connecting vs reconnecting (the Liveblocks habit): the UI can say
 * "connecting…" on first load and "reconnecting…" after a loss.
 */
export function deriveStatus(input: StatusInput): ConnectionStatus {
  if (input.stopped) return "disconnected";
  if (!input.started) return "idle";
  if (input.health === "healthy") return "connected";
  if (input.health === "degraded") return "degraded";
  if (!input.online) return "offline";
  return input.everConnected ? "reconnecting" : "connecting";
}
