import type { EnvironmentHint } from "../detection/environment.js";
import { errorMessage } from "../errors.js";
import type { OwnedLifetime } from "../lifetime/lifetime.js";
import { createLifetime } from "../lifetime/lifetime.js";
import { after } from "../lifetime/timers.js";
import type { ParsedRecovery } from "../options/parse-options.js";
import { isStillClosing } from "../peers/connections.js";
import type { Runtime } from "../runtime.js";
import type { DialPool } from "./dial-pool.js";
import type { TopUp } from "./top-up.js";
import { createTopUp } from "./top-up.js";
import type { RecoveryEffect, RecoveryFacts, RecoveryInput, RecoveryMachineState } from "./machine.js";
import { INITIAL_RECOVERY, transition } from "./machine.js";

/** How each hint is answered: `online` starts the backoff over at once; page hints dial at once; hiding never does. */
const HINT_CHECKS: Partial<Record<EnvironmentHint, { urgent?: boolean; resetBackoff?: boolean }>> = {
  online: { urgent: true, resetBackoff: true },
  offline: {},
  visible: { urgent: true },
  pageshow: { urgent: true },
  resume: { urgent: true },
};

/**
 * Drives the recovery machine (machine.ts): feeds it the commits, the hints and its own timer and
 * tick results, and carries out its effects. A tick dials the first `maxDialsPerTick` candidates
 * not connected, through the dial pool, and stops once the requirements — and, with redundancy
 * on, its target — are met. Leaving `connected` is a loss and is answered at once. Above the
 * requirements, top-up rounds (top-up.ts) bring missing service peers back on their own cadence.
 * Everything ends with `runtime.signal`.
 */
export function startRecovery(runtime: Runtime, pool: DialPool): void {
  const options = runtime.options.recovery;
  if (options === undefined) return;
  const { clock, signal, lifetime } = runtime;
  const startupUntil = clock.now() + options.startupDelayMs;
  let state: RecoveryMachineState = INITIAL_RECOVERY;
  let cancelTimer = (): void => {};
  let tick: OwnedLifetime | undefined;
  const topUp = options.redundancy === undefined ? undefined : createTopUp(runtime, pool, options.redundancy);
  const facts = liveFacts(runtime, options, startupUntil, topUp);

  const send = (input: RecoveryInput): void => {
    if (signal.aborted) return;
    const result = transition(state, input, facts);
    state = result.state;
    runtime.facts.gaveUp = state.phase === "gave-up";
    for (const effect of result.effects) apply(effect);
  };

  const apply = (effect: RecoveryEffect): void => {
    switch (effect.type) {
      case "set-timer":
        cancelTimer();
        cancelTimer = after(clock, lifetime, effect.delayMs, () => send({ type: "timer" }));
        return;
      case "clear-timer":
        cancelTimer();
        return;
      case "start-tick":
        runTick();
        return;
      case "start-top-up":
        runTopUp();
        return;
      case "abort-tick":
        tick?.end();
        return;
      case "report":
        if (effect.patch.inProgress !== undefined) runtime.facts.autoRecovering = effect.patch.inProgress;
        runtime.updateRecovery(effect.patch);
        return;
      case "give-up":
        giveUp(runtime, options.giveUpAfterMs ?? 0);
        return;
    }
  };

  /** One tick or top-up round at a time, abandoned by `abort-tick`; `tick-done` when it settles. */
  const inTick = (work: (dials: OwnedLifetime) => Promise<number | undefined>): void => {
    const dials = createLifetime(lifetime);
    tick = dials;
    work(dials)
      .catch((error: unknown) => {
        runtime.fail("DISCOVERY_FAILED", `cannot list known peers: ${errorMessage(error)}`);
        return undefined;
      })
      .then((nextTopUpInMs) => {
        dials.release();
        if (tick === dials) tick = undefined;
        send({ type: "tick-done", nextTopUpInMs });
      });
  };

  const runTick = (): void =>
    inTick(async (dials) => {
      const candidates = await pool.candidates();
      const due = candidates
        .filter((candidate) => !candidate.connected && !isStillClosing(runtime, candidate.id))
        .slice(0, options.maxDialsPerTick);
      const enough = () => runtime.requirementsMet() && (topUp === undefined || topUp.targetMet());
      await pool.run(due, { concurrency: runtime.options.dialConcurrency, lifetime: dials, enough });
      return undefined;
    });

  const runTopUp = (): void => inTick((dials) => (topUp as TopUp).round(dials));

  feedInputs(runtime, send, () => state.phase);
  if (topUp !== undefined) checkOnAnyDisconnect(runtime, () => send({ type: "check" }));
}

function giveUp(runtime: Runtime, afterMs: number): void {
  const message = `gave up after ${afterMs} ms below the requirements`;
  runtime.fail("GAVE_UP", message);
  runtime.event("recovery", undefined, message);
  runtime.gaveUp();
}

/** The commits, the hints and `resume`, as the machine's inputs. */
function feedInputs(runtime: Runtime, send: (input: RecoveryInput) => void, phase: () => RecoveryMachineState["phase"]): void {
  runtime.bus.on("committed", ({ previous, next }) => {
    // What the machine looks at did not change (a new round trip, a tag): its answer would not either.
    if (
      next.health === previous.health &&
      next.status === previous.status &&
      next.online === previous.online &&
      next.recovery.manual === previous.recovery.manual
    )
      return;
    // The requirements are met again anyway (the SDK recovered on its own): retry as usual from now on.
    if (phase() === "gave-up" && next.health.overall === "healthy") send({ type: "resume" });
    send({ type: "check", urgent: previous.status === "connected" && next.status !== "connected" });
  });
  runtime.bus.on("hint", (hint) => {
    const check = HINT_CHECKS[hint];
    if (check !== undefined) send({ type: "check", ...check });
  });
  runtime.bus.on("resume", () => send({ type: "resume" }));
}

/**
 * A peer the counts never included — connected but not identified yet, the moment a node dies —
 * changes no health figure when it leaves, yet the top-up must look again (it was connected, so
 * no round wanted it). libp2p's `peer:disconnect` says so for every peer; the listener goes with
 * the manager.
 */
function checkOnAnyDisconnect(runtime: Runtime, check: () => void): void {
  const { libp2p, lifetime } = runtime;
  libp2p.addEventListener("peer:disconnect", check);
  lifetime.onEnd(() => libp2p.removeEventListener("peer:disconnect", check));
}

/** The facts, read when the machine asks (after every commit it usually asks one question: are the requirements met?). */
function liveFacts(runtime: Runtime, options: ParsedRecovery, startupUntil: number, topUp: TopUp | undefined): RecoveryFacts {
  return {
    get now() {
      return runtime.clock.now();
    },
    get requirementsMet() {
      return runtime.requirementsMet();
    },
    get targetMet() {
      return topUp === undefined || topUp.targetMet();
    },
    get online() {
      return runtime.facts.online;
    },
    get paused() {
      return runtime.facts.manualReconnect;
    },
    startupUntil,
    giveUpAfterMs: options.giveUpAfterMs,
    backoff: options.backoff,
    draw: runtime.random,
  };
}
