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
 * - `gave-up`: the configured give-up time passed; nothing until `resume`;
 * - `topping-up`: the requirements are met, the redundancy target is not: a top-up round (dials
 *   of the missing service peers that are due, each on its own cadence) is in flight or scheduled.
 */
export type RecoveryPhase = "idle" | "starting" | "dialing" | "waiting" | "offline" | "paused" | "gave-up" | "topping-up";

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
  /** The tick in flight is a top-up round (not an outage's tick). */
  readonly topUp: boolean;
}

export type RecoveryInput =
  /** Look at the facts: a commit, a hint (`urgent` dials now; `resetBackoff` starts the tiers over). */
  | { type: "check"; urgent?: boolean; resetBackoff?: boolean }
  /** The timer the machine asked for fired. */
  | { type: "timer" }
  /** A tick ended; after a top-up round, `nextTopUpInMs` is when the next missing peer is due. */
  | { type: "tick-done"; nextTopUpInMs?: number }
  /** After a give-up: retry from scratch (a manual reconnect, or the requirements met anyway). */
  | { type: "resume" };

export interface RecoveryFacts {
  now: number;
  requirementsMet: boolean;
  /** The redundancy target above the requirements is met (always, when redundancy is off). */
  targetMet: boolean;
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
  /** Dial the missing service peers that are due (the redundancy above the requirements). */
  | { type: "start-top-up" }
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
  topUp: false,
});

const CLEAR: RecoveryEffect = { type: "clear-timer" };
const START_TOP_UP: RecoveryEffect = { type: "start-top-up" };
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
  if (input.type === "tick-done") return tickDone(state, input.nextTopUpInMs, facts);
  if (state.phase === "gave-up")
    return input.type === "resume" ? stay({ ...INITIAL_RECOVERY, ticking: state.ticking }) : stay(state);
  if (input.type === "check") return check(state, input.urgent === true, input.resetBackoff === true, facts);
  if (input.type === "timer") return onTimer(state, facts);
  return stay(state);
}

function tickDone(state: RecoveryMachineState, nextTopUpInMs: number | undefined, facts: RecoveryFacts): RecoveryTransition {
  const settled = { ...state, ticking: false, rerun: false, topUp: false };
  if (state.phase === "gave-up") return stay(settled);
  // A top-up round ended and nothing else changed: the next one when the next missing peer is due.
  if (state.topUp && !state.rerun && state.phase === "topping-up" && redundancyWanted(facts)) {
    return { state: settled, effects: [{ type: "set-timer", delayMs: Math.max(0, nextTopUpInMs ?? 0) }] };
  }
  return check(settled, state.rerun, false, facts);
}

function check(state: RecoveryMachineState, urgent: boolean, resetBackoff: boolean, facts: RecoveryFacts): RecoveryTransition {
  if (facts.requirementsMet) return keepRedundancy(endOutage(state, facts), facts);
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
  if (state.phase === "topping-up") return state.ticking ? stay(state) : check({ ...state, phase: "idle" }, false, false, facts);
  if (state.phase !== "waiting") return stay(state);
  if (facts.requirementsMet) return keepRedundancy(endOutage(state, facts), facts);
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

/**
 * The requirements are met: the outage (if any) is over and its retry cancelled. A tick in flight
 * is abandoned only when the redundancy target is met too; otherwise its remaining dials are the
 * first top-up.
 */
function endOutage(state: RecoveryMachineState, facts: RecoveryFacts): RecoveryTransition {
  const hadOutage = state.outageStartedAt !== undefined || state.ticks > 0;
  const abandon = state.ticking && facts.targetMet;
  // The hot path: connected, nothing to do (a top-up has its own timer, kept).
  if (!hadOutage && !abandon && (state.phase === "idle" || state.phase === "topping-up")) return stay(state);
  const effects: RecoveryEffect[] = [CLEAR];
  if (abandon) effects.push(ABORT);
  if (hadOutage) effects.push(report({ inProgress: false, attempt: 0, nextRetryAt: undefined }));
  return { state: { ...state, phase: "idle", outageStartedAt: undefined, ticks: 0, slowTicks: 0 }, effects };
}

function redundancyWanted(facts: RecoveryFacts): boolean {
  return facts.requirementsMet && !facts.targetMet && facts.online && !facts.paused;
}

/**
 * Requirements met: keep topping up towards the redundancy target. A round starts at once after a
 * change (usually a peer lost: it is due now), unless one is in flight; its end schedules the
 * next. No top-up while offline, during a manual reconnect, or while the SDK makes its first dials.
 */
function keepRedundancy({ state, effects }: RecoveryTransition, facts: RecoveryFacts): RecoveryTransition {
  if (!redundancyWanted(facts)) {
    if (state.phase !== "topping-up") return { state, effects };
    const stop: RecoveryEffect[] = state.ticking && state.topUp ? [CLEAR, ABORT] : [CLEAR];
    return { state: { ...state, phase: "idle" }, effects: [...effects, ...stop] };
  }
  if (state.ticking) return { state: state.topUp ? { ...state, phase: "topping-up" } : state, effects };
  if (facts.now < facts.startupUntil) {
    if (state.phase === "topping-up") return { state, effects };
    return {
      state: { ...state, phase: "topping-up" },
      effects: [...effects, { type: "set-timer", delayMs: facts.startupUntil - facts.now }],
    };
  }
  return { state: { ...state, phase: "topping-up", ticking: true, topUp: true }, effects: [...effects, CLEAR, START_TOP_UP] };
}
