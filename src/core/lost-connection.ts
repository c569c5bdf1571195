import type { Clock, TimerHandle } from "./clock.js";
import type { ConnectionStatus, LostConnectionState } from "./types.js";

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
  /** Drops the grace timer without signalling. */
  dispose(): void;
}

/**
 * The grace-period signal (Liveblocks' lost-connection timer): once connected, leaving
 * `connected` for longer than `graceMs` signals `lost`; coming back then signals `restored`.
 * A blip shorter than the grace signals nothing, so the UI never flashes a warning for it.
 * Before the first connection nothing is "lost": that is still `connecting`.
 */
export function createLostConnectionTracker(
  clock: Clock,
  graceMs: number,
  onSignal: (signal: LostConnectionSignal) => void,
): LostConnectionTracker {
  let state: LostConnectionState = "ok";
  let everConnected = false;
  let timer: TimerHandle | undefined;

  const clearTimer = (): void => {
    if (timer === undefined) return;
    clock.clearTimeout(timer);
    timer = undefined;
  };

  const signal = (next: LostConnectionSignal): void => {
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
        clearTimer();
        if (state === "lost" || state === "failed") signal("restored");
        return;
      }
      if (!everConnected || state === "lost" || state === "failed" || timer !== undefined) return;
      timer = clock.setTimeout(() => {
        timer = undefined;
        signal("lost");
      }, graceMs);
    },
    fail() {
      clearTimer();
      if (state === "lost") signal("failed");
    },
    giveUp() {
      clearTimer();
      if (!everConnected || state === "failed") return;
      if (state !== "lost") signal("lost");
      signal("failed");
    },
    dispose() {
      clearTimer();
    },
  };
}
