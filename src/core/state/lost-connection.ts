import type { Clock } from "../lifetime/clock.js";
import type { Lifetime } from "../lifetime/lifetime.js";
import { after } from "../lifetime/timers.js";
import type { ConnectionStatus, LostConnectionState } from "../types.js";

export type LostConnectionSignal = Exclude<LostConnectionState, "ok">;

export interface LostConnectionTracker {
  readonly state: LostConnectionState;
  /** Feed every status change. */
  update(status: ConnectionStatus): void;
  /** The manager stopped: `failed` if the loss was already signalled. */
  fail(): void;
  /**
   * Automatic recovery gave up: `failed` — preceded by `lost` when the grace had not run out yet,
   * so listeners always see a loss before its failure. Nothing before the first connection.
   */
  giveUp(): void;
}

/**
 * The grace-period signal (Liveblocks' lost-connection timer): once connected, leaving
 * `connected` for longer than `graceMs` signals `lost`; coming back then signals `restored`.
 * A blip shorter than the grace signals nothing, so the UI never flashes a warning for it.
 * Before the first connection nothing is "lost": that is still `connecting`. The grace timer
 * ends with `lifetime`.
 */
export function createLostConnectionTracker(
  clock: Clock,
  lifetime: Lifetime,
  graceMs: number,
  onSignal: (signal: LostConnectionSignal) => void,
): LostConnectionTracker {
  let state: LostConnectionState = "ok";
  let everConnected = false;
  let cancelGrace: (() => void) | undefined;

  const clearGrace = (): void => {
    cancelGrace?.();
    cancelGrace = undefined;
  };

  const emit = (next: LostConnectionSignal): void => {
    state = next;
    onSignal(next);
  };

  return {
    get state() {
      return state;
    },
    update(status) {
      if (status === "connected") {
        everConnected = true;
        clearGrace();
        if (state === "lost" || state === "failed") emit("restored");
        return;
      }
      if (!everConnected || state === "lost" || state === "failed" || cancelGrace !== undefined) return;
      cancelGrace = after(clock, lifetime, graceMs, () => {
        cancelGrace = undefined;
        emit("lost");
      });
    },
    fail() {
      clearGrace();
      if (state === "lost") emit("failed");
    },
    giveUp() {
      clearGrace();
      if (!everConnected || state === "failed") return;
      if (state !== "lost") emit("lost");
      emit("failed");
    },
  };
}
