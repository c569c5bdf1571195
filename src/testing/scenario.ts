import { WakuPeersError } from "../core/errors.js";
import type { TimerHandle } from "../core/lifetime/clock.js";
import type { ConnectionStatus } from "../core/types.js";
import type { MockPeerManager } from "./create-mock-peer-manager.js";
import type { MockHealthCounts, MockPeerInput } from "./mock-state.js";

/** What one step does to the mock (exactly one of these). */
export type ScenarioAction =
  | { status: ConnectionStatus }
  | { health: MockHealthCounts }
  | { addPeer: MockPeerInput }
  | { removePeer: string }
  | { online: boolean }
  | { lose: true }
  | { restore: true }
  | { fail: true }
  | { run: (manager: MockPeerManager) => void };

/** A step `after` ms after the previous one (the first: after the start); `after: 0` runs in the same tick as the one before. */
export type ScenarioStep = { after: number } & ScenarioAction;

export interface Scenario {
  /** Settles after the last step ran (or the scenario was cancelled, or the manager stopped). */
  readonly done: Promise<void>;
  /** Steps run so far. */
  readonly stepsRun: number;
  /** Drops the steps not run yet. Idempotent. */
  cancel(): void;
}

/**
 * Plays a story on a mock manager, one step at a time on the mock's clock — under fake timers,
 * `vi.advanceTimersByTime` moves it, deterministically. A manager that is stopped ends it.
 *
 * @throws {WakuPeersError} `INVALID_ARGUMENT` for a step without a valid `after` or with not exactly one action.
 *
 * @example
 * vi.useFakeTimers();
 * const manager = createMockPeerManager({ status: "connected" });
 * scenario(manager, [
 *   { after: 1_000, status: "reconnecting" },
 *   { after: 5_000, lose: true },
 *   { after: 3_000, restore: true },
 * ]);
 * vi.advanceTimersByTime(6_000); // now lost
 */
export function scenario(manager: MockPeerManager, steps: readonly ScenarioStep[]): Scenario {
  steps.forEach(checkStep);
  let next = 0;
  let ran = 0;
  let timer: TimerHandle | undefined;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const end = () => {
    if (timer !== undefined) manager.clock.clearTimeout(timer);
    timer = undefined;
    next = steps.length;
    finish();
  };
  const runStep = (step: ScenarioStep) => {
    next++;
    apply(manager, step);
    ran++;
  };
  // A step with `after: 0` runs right after the one before it, in the same tick (no timer to advance).
  const schedule = (): void => {
    let step = steps[next];
    while (step !== undefined && step.after === 0 && manager.calls.stop === 0) {
      runStep(step);
      step = steps[next];
    }
    if (step === undefined || manager.calls.stop > 0) {
      end();
      return;
    }
    timer = manager.clock.setTimeout(() => {
      timer = undefined;
      if (manager.calls.stop > 0) end();
      else {
        runStep(step);
        schedule();
      }
    }, step.after);
  };
  schedule();
  return {
    done,
    get stepsRun() {
      return ran;
    },
    cancel: end,
  };
}

function apply(manager: MockPeerManager, step: ScenarioStep): void {
  if ("status" in step) manager.setStatus(step.status);
  else if ("health" in step) manager.setHealth(step.health);
  else if ("addPeer" in step) manager.addPeer(step.addPeer);
  else if ("removePeer" in step) manager.removePeer(step.removePeer);
  else if ("online" in step) manager.setOnline(step.online);
  else if ("lose" in step) manager.lose();
  else if ("restore" in step) manager.restore();
  else if ("fail" in step) manager.fail();
  else step.run(manager);
}

const ACTIONS = ["status", "health", "addPeer", "removePeer", "online", "lose", "restore", "fail", "run"];

function checkStep(step: ScenarioStep, index: number): void {
  const issues: string[] = [];
  if (typeof step?.after !== "number" || !Number.isFinite(step.after) || step.after < 0)
    issues.push(`step ${index}: "after" must be a duration in ms ≥ 0`);
  const actions = ACTIONS.filter((action) => step !== null && typeof step === "object" && action in step);
  if (actions.length !== 1)
    issues.push(`step ${index}: exactly one of ${ACTIONS.join(", ")} (got ${actions.join(", ") || "none"})`);
  if (issues.length > 0) throw new WakuPeersError("INVALID_ARGUMENT", issues);
}
