import type { RecoveryState } from "../types.js";
import type { BackoffPolicy } from "./backoff.js";
import { backoffDelay } from "./backoff.js";

// The automatic recovery as an explicit state machine (Liveblocks' habit): named phases and a
// pure transition function, table-tested, with every side effect returned as data for the driver
// (recovery-loop.ts) to carry out.

/**
 * - `idle`: no outage (requirements met, or nothing asked yet);
 * - `starting`: just attached, below the requirements: the SDK's own first dials get the startup delay;
 * - `dialing`: a tick (a bounded round of dials) is in flight;
 * - `waiting`: between ticks, a retry is scheduled (backoff);
 * - `offline`: the device says offline: no dials, no retry storm against a dead link;
 * - `paused`: a manual `reconnect()` runs; the loop stands aside;
 * - `gave-up`: the configured give-up time passed; nothing until `resume`.
 */
export type RecoveryPhase = "idle" | "starting" | "dialing" | "waiting" | "offline" | "paused" | "gave-up";

export interface RecoveryMachineState {
  readonly phase: RecoveryPhase;
  /** Epoch ms the outage began; `undefined` outside one. */
  readonly outageStartedAt: number | undefined;
  /** Ticks in this outage. */
  readonly ticks: number;
  /** Ticks since the slow phase of the backoff began. */
  readonly slowTicks: number;
  /** A tick is in flight (it can outlive the outage that started it). */
  readonly ticking: boolean;
  /** A tick was asked for while one was in flight: run another right after it. */
  readonly rerun: boolean;
}

export type RecoveryInput =
  /** Look at the facts: a commit, a hint (`urgent` dials now; `resetBackoff` starts the tiers over). */
  | { type: "check"; urgent?: boolean; resetBackoff?: boolean }
  /** The timer the machine asked for fired. */
  | { type: "timer" }
  | { type: "tick-done" }
  /** After a give-up: retry from scratch (a manual reconnect, or the requirements met anyway). */
  | { type: "resume" };

export interface RecoveryFacts {
  now: number;
  requirementsMet: boolean;
  online: boolean;
  /** A manual reconnect runs. */
  paused: boolean;
  /** Epoch ms the startup delay ends. */
  startupUntil: number;
  giveUpAfterMs: number | undefined;
  backoff: BackoffPolicy;
  /** Uniform in [0, 1), drawn only when a retry is scheduled (jitter). */
  draw(): number;
}

export type RecoveryEffect =
  | { type: "set-timer"; delayMs: number }
  | { type: "clear-timer" }
  | { type: "start-tick" }
  | { type: "abort-tick" }
  /** Patch of the public recovery slice; `inProgress` here means "the automatic loop is in an outage". */
  | { type: "report"; patch: Partial<RecoveryState> }
  | { type: "give-up" };

export interface RecoveryTransition {
  state: RecoveryMachineState;
  effects: readonly RecoveryEffect[];
}

export const INITIAL_RECOVERY: RecoveryMachineState = Object.freeze({
  phase: "idle",
  outageStartedAt: undefined,
  ticks: 0,
  slowTicks: 0,
  ticking: false,
  rerun: false,
});

const CLEAR: RecoveryEffect = { type: "clear-timer" };
const ABORT: RecoveryEffect = { type: "abort-tick" };
const NONE: readonly RecoveryEffect[] = Object.freeze([]);
const report = (patch: Partial<RecoveryState>): RecoveryEffect => ({ type: "report", patch });
const stay = (state: RecoveryMachineState): RecoveryTransition => ({ state, effects: NONE });

/**
 * The next state and what to do. While the requirements are unmet and the device says online,
 * each tick dials a bounded number of candidates, then the backoff delay passes; a hint or a loss
 * dials at once. Offline, nothing is dialed until `online` (which resets the backoff).
 *
 * @example
 * const { state, effects } = transition(INITIAL_RECOVERY, { type: "check", urgent: true }, facts);
 * // state.phase === "dialing"; effects include { type: "start-tick" }
 */
export function transition(state: RecoveryMachineState, input: RecoveryInput, facts: RecoveryFacts): RecoveryTransition {
  if (input.type === "tick-done") {
    const settled = { ...state, ticking: false, rerun: false };
    return state.phase === "gave-up" ? stay(settled) : check(settled, state.rerun, false, facts);
  }
  if (state.phase === "gave-up") return input.type === "resume" ? stay({ ...INITIAL_RECOVERY, ticking: state.ticking }) : stay(state);
  if (input.type === "check") return check(state, input.urgent === true, input.resetBackoff === true, facts);
  if (input.type === "timer") return onTimer(state, facts);
  return stay(state);
}

function check(state: RecoveryMachineState, urgent: boolean, resetBackoff: boolean, facts: RecoveryFacts): RecoveryTransition {
  if (facts.requirementsMet) return endOutage(state);
  if (facts.paused) return { state: { ...state, phase: "paused" }, effects: [CLEAR] };
  if (!facts.online) {
    const effects = state.outageStartedAt === undefined ? [CLEAR] : [CLEAR, report({ inProgress: true, nextRetryAt: undefined })];
    return { state: { ...state, phase: "offline" }, effects };
  }
  if (state.outageStartedAt === undefined && facts.now < facts.startupUntil && !urgent) {
    // The SDK is dialing its bootstrap peers itself right now: join in only if that fails.
    if (state.phase === "starting") return stay(state);
    return { state: { ...state, phase: "starting" }, effects: [{ type: "set-timer", delayMs: facts.startupUntil - facts.now }] };
  }
  let next = state;
  if (state.outageStartedAt === undefined || resetBackoff) {
    next = { ...state, outageStartedAt: facts.now, ticks: 0, slowTicks: 0 };
  } else if (!urgent) {
    // An outage is running: its retry is scheduled, or a tick is in flight.
    return state.phase === "waiting" || state.ticking ? stay(state) : scheduleRetry(state, facts);
  }
  if (next.ticking) return stay({ ...next, phase: "dialing", rerun: true });
  return startTick(next);
}

function onTimer(state: RecoveryMachineState, facts: RecoveryFacts): RecoveryTransition {
  if (state.phase === "starting") return check({ ...state, phase: "idle" }, true, false, facts);
  if (state.phase !== "waiting") return stay(state);
  if (facts.requirementsMet) return endOutage(state);
  if (facts.paused) return stay({ ...state, phase: "paused" });
  if (!facts.online) return stay({ ...state, phase: "offline" });
  if (state.ticking) return stay({ ...state, phase: "dialing", rerun: true });
  return startTick(state);
}

function startTick(state: RecoveryMachineState): RecoveryTransition {
  const ticks = state.ticks + 1;
  return {
    state: { ...state, phase: "dialing", ticking: true, ticks },
    effects: [CLEAR, report({ inProgress: true, attempt: ticks, nextRetryAt: undefined }), { type: "start-tick" }],
  };
}

function scheduleRetry(state: RecoveryMachineState, facts: RecoveryFacts): RecoveryTransition {
  const outageStartedAt = state.outageStartedAt ?? facts.now;
  const outageMs = facts.now - outageStartedAt;
  const giveUpAt = facts.giveUpAfterMs === undefined ? undefined : outageStartedAt + facts.giveUpAfterMs;
  if (giveUpAt !== undefined && facts.now >= giveUpAt) {
    return {
      state: { ...state, phase: "gave-up", outageStartedAt },
      effects: [CLEAR, ABORT, report({ inProgress: false, nextRetryAt: undefined }), { type: "give-up" }],
    };
  }
  const slow = outageMs >= facts.backoff.fastPhaseMs;
  let delayMs = backoffDelay(facts.backoff, state.ticks, outageMs, state.slowTicks, facts.draw);
  if (giveUpAt !== undefined) delayMs = Math.min(delayMs, giveUpAt - facts.now);
  return {
    state: { ...state, phase: "waiting", outageStartedAt, slowTicks: slow ? state.slowTicks + 1 : state.slowTicks },
    effects: [report({ nextRetryAt: facts.now + delayMs }), { type: "set-timer", delayMs }],
  };
}

function endOutage(state: RecoveryMachineState): RecoveryTransition {
  const hadOutage = state.outageStartedAt !== undefined || state.ticks > 0;
  if (!hadOutage && !state.ticking && state.phase === "idle") return stay(state); // the hot path: connected, nothing to do
  const effects: RecoveryEffect[] = [CLEAR];
  if (state.ticking) effects.push(ABORT);
  if (hadOutage) effects.push(report({ inProgress: false, attempt: 0, nextRetryAt: undefined }));
  return { state: { ...state, phase: "idle", outageStartedAt: undefined, ticks: 0, slowTicks: 0 }, effects };
}
