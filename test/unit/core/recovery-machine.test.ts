import { describe, expect, it } from "vitest";

import { DEFAULT_OPTIONS } from "../../../src/core/index.js";
import type { RecoveryEffect, RecoveryFacts, RecoveryInput, RecoveryMachineState } from "../../../src/core/internal.js";
import { INITIAL_RECOVERY, transition } from "../../../src/core/internal.js";

// The recovery machine is a pure function: these rows are its specification. Facts default to
// "just attached, 10 s in, online, below the requirements, no jitter"; each row changes what it needs.
const NOW = 10_000;
const facts = (patch: Partial<RecoveryFacts> = {}): RecoveryFacts => ({
  now: NOW,
  requirementsMet: false,
  targetMet: true,
  online: true,
  paused: false,
  startupUntil: 0,
  giveUpAfterMs: undefined,
  backoff: { ...DEFAULT_OPTIONS.recovery!.backoff, jitter: 0 },
  draw: () => 0,
  ...patch,
});
const state = (patch: Partial<RecoveryMachineState>): RecoveryMachineState => ({ ...INITIAL_RECOVERY, ...patch });
const outage = (patch: Partial<RecoveryMachineState> = {}) =>
  state({ phase: "waiting", outageStartedAt: NOW - 1_000, ticks: 1, ...patch });
const types = (effects: readonly RecoveryEffect[]) => effects.map((effect) => effect.type);
const timer = (effects: readonly RecoveryEffect[]) =>
  effects.find((effect) => effect.type === "set-timer") as { delayMs: number } | undefined;

interface Row {
  name: string;
  from: RecoveryMachineState;
  input: RecoveryInput;
  facts?: Partial<RecoveryFacts>;
  phase: RecoveryMachineState["phase"];
  effects: RecoveryEffect["type"][];
  delayMs?: number;
  expect?: Partial<RecoveryMachineState>;
}

const CHECK: RecoveryInput = { type: "check" };
const URGENT: RecoveryInput = { type: "check", urgent: true };

const rows: Row[] = [
  {
    name: "connected and idle: nothing to do",
    from: INITIAL_RECOVERY,
    input: CHECK,
    facts: { requirementsMet: true },
    phase: "idle",
    effects: [],
  },
  {
    name: "below the requirements during the startup delay: wait for the SDK's own dials",
    from: INITIAL_RECOVERY,
    input: CHECK,
    facts: { startupUntil: NOW + 1_500 },
    phase: "starting",
    effects: ["set-timer"],
    delayMs: 1_500,
  },
  {
    name: "a second check while starting sets no second timer",
    from: state({ phase: "starting" }),
    input: CHECK,
    facts: { startupUntil: NOW + 500 },
    phase: "starting",
    effects: [],
  },
  {
    name: "the startup timer fires: first tick",
    from: state({ phase: "starting" }),
    input: { type: "timer" },
    facts: { startupUntil: NOW },
    phase: "dialing",
    effects: ["clear-timer", "report", "start-tick"],
    expect: { ticks: 1, ticking: true, outageStartedAt: NOW },
  },
  {
    name: "an urgent check (a loss, a hint) dials at once, startup or not",
    from: INITIAL_RECOVERY,
    input: URGENT,
    facts: { startupUntil: NOW + 1_500 },
    phase: "dialing",
    effects: ["clear-timer", "report", "start-tick"],
  },
  {
    name: "an urgent check during a tick asks for another right after",
    from: state({ phase: "dialing", ticking: true, outageStartedAt: NOW, ticks: 1 }),
    input: URGENT,
    phase: "dialing",
    effects: [],
    expect: { rerun: true, ticks: 1 },
  },
  {
    name: "a tick done below the requirements: wait the next fast tier (250 ms)",
    from: state({ phase: "dialing", ticking: true, outageStartedAt: NOW, ticks: 1 }),
    input: { type: "tick-done" },
    phase: "waiting",
    effects: ["report", "set-timer"],
    delayMs: 250,
    expect: { ticking: false },
  },
  {
    name: "a tick done with a rerun asked: the next tick at once",
    from: state({ phase: "dialing", ticking: true, rerun: true, outageStartedAt: NOW, ticks: 1 }),
    input: { type: "tick-done" },
    phase: "dialing",
    effects: ["clear-timer", "report", "start-tick"],
    expect: { ticks: 2, rerun: false },
  },
  {
    name: "the retry timer fires: next tick",
    from: outage(),
    input: { type: "timer" },
    phase: "dialing",
    effects: ["clear-timer", "report", "start-tick"],
    expect: { ticks: 2 },
  },
  {
    name: "a non-urgent check while waiting keeps the scheduled retry",
    from: outage(),
    input: CHECK,
    phase: "waiting",
    effects: [],
  },
  {
    name: "offline mid-outage: the retry is cancelled, nothing is dialed",
    from: outage(),
    input: CHECK,
    facts: { online: false },
    phase: "offline",
    effects: ["clear-timer", "report"],
  },
  {
    name: "offline before any outage: no report",
    from: INITIAL_RECOVERY,
    input: CHECK,
    facts: { online: false },
    phase: "offline",
    effects: ["clear-timer"],
  },
  {
    name: "back online: the backoff starts over with a tick at once",
    from: outage({ phase: "offline", ticks: 7, slowTicks: 3 }),
    input: { type: "check", urgent: true, resetBackoff: true },
    phase: "dialing",
    effects: ["clear-timer", "report", "start-tick"],
    expect: { ticks: 1, slowTicks: 0, outageStartedAt: NOW },
  },
  {
    name: "a manual reconnect runs: stand aside",
    from: outage(),
    input: CHECK,
    facts: { paused: true },
    phase: "paused",
    effects: ["clear-timer"],
  },
  {
    name: "the reconnect is over: the outage's retry is scheduled again",
    from: outage({ phase: "paused", ticks: 2 }),
    input: CHECK,
    phase: "waiting",
    effects: ["report", "set-timer"],
    delayMs: 500,
  },
  {
    name: "the requirements are met: the outage ends and the backoff resets",
    from: outage({ ticks: 5 }),
    input: CHECK,
    facts: { requirementsMet: true },
    phase: "idle",
    effects: ["clear-timer", "report"],
    expect: { ticks: 0, outageStartedAt: undefined },
  },
  {
    name: "met while a tick is in flight: its dials are abandoned",
    from: state({ phase: "dialing", ticking: true, outageStartedAt: NOW, ticks: 1 }),
    input: CHECK,
    facts: { requirementsMet: true },
    phase: "idle",
    effects: ["clear-timer", "abort-tick", "report"],
  },
  {
    name: "after the fast phase: the slow tiers (2 s first)",
    from: outage({ phase: "dialing", ticking: true, outageStartedAt: NOW - 60_000, ticks: 40 }),
    input: { type: "tick-done" },
    phase: "waiting",
    effects: ["report", "set-timer"],
    delayMs: 2_000,
    expect: { slowTicks: 1 },
  },
  {
    name: "a retry never waits past the give-up time",
    from: outage({ phase: "dialing", ticking: true, outageStartedAt: NOW - 59_900, ticks: 3 }),
    input: { type: "tick-done" },
    facts: { giveUpAfterMs: 60_000 },
    phase: "waiting",
    effects: ["report", "set-timer"],
    delayMs: 100,
  },
  {
    name: "the give-up time passed: give up",
    from: outage({ phase: "dialing", ticking: true, outageStartedAt: NOW - 60_000, ticks: 3 }),
    input: { type: "tick-done" },
    facts: { giveUpAfterMs: 60_000 },
    phase: "gave-up",
    effects: ["clear-timer", "abort-tick", "report", "give-up"],
  },
  {
    name: "given up: checks change nothing",
    from: state({ phase: "gave-up", outageStartedAt: 0, ticks: 9 }),
    input: URGENT,
    phase: "gave-up",
    effects: [],
  },
  {
    name: "given up: resume starts over",
    from: state({ phase: "gave-up", outageStartedAt: 0, ticks: 9 }),
    input: { type: "resume" },
    phase: "idle",
    effects: [],
    expect: { ticks: 0, outageStartedAt: undefined },
  },
  {
    name: "a stale timer (after the outage ended) does nothing",
    from: INITIAL_RECOVERY,
    input: { type: "timer" },
    phase: "idle",
    effects: [],
  },
  // The redundancy above the requirements (top-up rounds).
  {
    name: "connected below the redundancy target: a top-up round at once",
    from: INITIAL_RECOVERY,
    input: CHECK,
    facts: { requirementsMet: true, targetMet: false },
    phase: "topping-up",
    effects: ["clear-timer", "start-top-up"],
    expect: { ticking: true, topUp: true },
  },
  {
    name: "during the startup delay the top-up waits for the SDK's own first dials",
    from: INITIAL_RECOVERY,
    input: CHECK,
    facts: { requirementsMet: true, targetMet: false, startupUntil: NOW + 1_500 },
    phase: "topping-up",
    effects: ["set-timer"],
    delayMs: 1_500,
  },
  {
    name: "a top-up round done: the next one when the next missing peer is due",
    from: state({ phase: "topping-up", ticking: true, topUp: true }),
    input: { type: "tick-done", nextTopUpInMs: 800 },
    facts: { requirementsMet: true, targetMet: false },
    phase: "topping-up",
    effects: ["set-timer"],
    delayMs: 800,
    expect: { ticking: false, topUp: false },
  },
  {
    name: "the top-up timer fires: the next round",
    from: state({ phase: "topping-up" }),
    input: { type: "timer" },
    facts: { requirementsMet: true, targetMet: false },
    phase: "topping-up",
    effects: ["clear-timer", "start-top-up"],
  },
  {
    name: "a change while a top-up round is scheduled (a peer lost): a round at once",
    from: state({ phase: "topping-up" }),
    input: CHECK,
    facts: { requirementsMet: true, targetMet: false },
    phase: "topping-up",
    effects: ["clear-timer", "start-top-up"],
  },
  {
    name: "a change during a top-up round: its end decides",
    from: state({ phase: "topping-up", ticking: true, topUp: true }),
    input: CHECK,
    facts: { requirementsMet: true, targetMet: false },
    phase: "topping-up",
    effects: [],
  },
  {
    name: "the target is met: the top-up is over",
    from: state({ phase: "topping-up" }),
    input: CHECK,
    facts: { requirementsMet: true },
    phase: "idle",
    effects: ["clear-timer"],
  },
  {
    name: "the target is met during a top-up round: its dials are abandoned",
    from: state({ phase: "topping-up", ticking: true, topUp: true }),
    input: CHECK,
    facts: { requirementsMet: true },
    phase: "idle",
    effects: ["clear-timer", "abort-tick"],
  },
  {
    name: "a manual reconnect stops the top-up",
    from: state({ phase: "topping-up", ticking: true, topUp: true }),
    input: CHECK,
    facts: { requirementsMet: true, targetMet: false, paused: true },
    phase: "idle",
    effects: ["clear-timer", "abort-tick"],
  },
  {
    name: "offline: no top-up",
    from: state({ phase: "topping-up" }),
    input: CHECK,
    facts: { requirementsMet: true, targetMet: false, online: false },
    phase: "idle",
    effects: ["clear-timer"],
  },
  {
    name: "the requirements met mid-tick, the target not: the outage ends, the tick's remaining dials go on",
    from: state({ phase: "dialing", ticking: true, outageStartedAt: NOW, ticks: 1 }),
    input: CHECK,
    facts: { requirementsMet: true, targetMet: false },
    phase: "idle",
    effects: ["clear-timer", "report"],
    expect: { ticking: true, outageStartedAt: undefined },
  },
  {
    name: "that tick done: a top-up round follows",
    from: state({ ticking: true }),
    input: { type: "tick-done" },
    facts: { requirementsMet: true, targetMet: false },
    phase: "topping-up",
    effects: ["clear-timer", "start-top-up"],
  },
  {
    name: "a loss during a top-up round: an outage tick right after it",
    from: state({ phase: "topping-up", ticking: true, topUp: true }),
    input: URGENT,
    phase: "dialing",
    effects: [],
    expect: { rerun: true, outageStartedAt: NOW },
  },
];

describe("the recovery machine", () => {
  it.each(rows)("$name", (row) => {
    const { state: next, effects } = transition(row.from, row.input, facts(row.facts));
    expect(next.phase).toBe(row.phase);
    expect(types(effects)).toEqual(row.effects);
    if (row.delayMs !== undefined) expect(timer(effects)?.delayMs).toBe(row.delayMs);
    if (row.expect !== undefined) expect(next).toMatchObject(row.expect);
  });

  it("reports what the public recovery slice shows", () => {
    const { effects } = transition(INITIAL_RECOVERY, URGENT, facts());
    expect(effects).toContainEqual({ type: "report", patch: { inProgress: true, attempt: 1, nextRetryAt: undefined } });
    const waiting = transition(
      state({ phase: "dialing", ticking: true, outageStartedAt: NOW, ticks: 1 }),
      { type: "tick-done" },
      facts(),
    );
    expect(waiting.effects).toContainEqual({ type: "report", patch: { nextRetryAt: NOW + 250 } });
  });

  it("draws randomness only when it schedules a retry, and jitter only shortens", () => {
    let draws = 0;
    const draw = () => {
      draws++;
      return 0.5;
    };
    transition(INITIAL_RECOVERY, CHECK, facts({ requirementsMet: true, draw }));
    expect(draws).toBe(0);
    const { effects } = transition(
      outage({ phase: "dialing", ticking: true, ticks: 3 }),
      { type: "tick-done" },
      facts({ draw, backoff: DEFAULT_OPTIONS.recovery!.backoff }),
    );
    expect(draws).toBe(1);
    expect(timer(effects)?.delayMs).toBe(850); // 1 000 ms × (1 − 0.3 × 0.5)
  });
});
