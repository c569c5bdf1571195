import type { ConnectionStatus, OverallHealth } from "../types.js";

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
  /** Automatic recovery gave up (configured give-up time passed). */
  gaveUp?: boolean;
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
 * | retrying given up, a requirement unmet  | `disconnected` |
 * | some service peers, a requirement unmet | `degraded`     |
 * | no service peer, device says offline    | `offline`      |
 * | no service peer, never connected        | `connecting`   |
 * | no service peer, was connected          | `reconnecting` |
 *
 * "Was connected" decides connecting vs reconnecting (the Liveblocks habit): the UI can say
 * "connecting…" on first load and "reconnecting…" after a loss. After a give-up the status stays
 * `disconnected` until `reconnect()` — unless the requirements are met again anyway (the SDK
 * recovered on its own): the status never claims less than the truth.
 *
 * @example
 * deriveStatus({ started: true, stopped: false, health: "unhealthy", everConnected: true, online: true }); // "reconnecting"
 */
export function deriveStatus(input: StatusInput): ConnectionStatus {
  if (input.stopped) return "disconnected";
  if (!input.started) return "idle";
  if (input.health === "healthy") return "connected";
  if (input.gaveUp === true) return "disconnected";
  if (input.health === "degraded") return "degraded";
  if (!input.online) return "offline";
  return input.everConnected ? "reconnecting" : "connecting";
}
