import type { EnvironmentHint } from "../detection/environment.js";
import { errorMessage } from "../errors.js";
import type { ChildLifetime } from "../lifetime/timers.js";
import { after, childLifetime } from "../lifetime/timers.js";
import type { Runtime } from "../runtime.js";
import type { DialPool } from "./dial-pool.js";
import type { RecoveryEffect, RecoveryInput, RecoveryMachineState } from "./machine.js";
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
 * not connected, through the dial pool, and stops once the requirements are met. Leaving
 * `connected` is a loss and is answered at once. Everything ends with `runtime.signal`.
 */
export function startRecovery(runtime: Runtime, pool: DialPool): void {
  const options = runtime.options.recovery;
  if (options === undefined) return;
  const { clock, signal } = runtime;
  const startupUntil = clock.now() + options.startupDelayMs;
  let state: RecoveryMachineState = INITIAL_RECOVERY;
  let cancelTimer = (): void => {};
  let tick: ChildLifetime | undefined;

  const send = (input: RecoveryInput): void => {
    if (signal.aborted) return;
    const result = transition(state, input, {
      now: clock.now(),
      requirementsMet: runtime.requirementsMet(),
      online: runtime.facts.online,
      paused: runtime.facts.manualReconnect,
      startupUntil,
      giveUpAfterMs: options.giveUpAfterMs,
      backoff: options.backoff,
      draw: runtime.random,
    });
    state = result.state;
    runtime.facts.gaveUp = state.phase === "gave-up";
    for (const effect of result.effects) apply(effect);
  };

  const apply = (effect: RecoveryEffect): void => {
    switch (effect.type) {
      case "set-timer":
        cancelTimer();
        cancelTimer = after(clock, signal, effect.delayMs, () => send({ type: "timer" }));
        return;
      case "clear-timer":
        return cancelTimer();
      case "start-tick":
        return runTick();
      case "abort-tick":
        return tick?.abort();
      case "report":
        if (effect.patch.inProgress !== undefined) runtime.facts.autoRecovering = effect.patch.inProgress;
        return runtime.updateRecovery(effect.patch);
      case "give-up": {
        const message = `gave up after ${options.giveUpAfterMs ?? 0} ms below the requirements`;
        runtime.fail("GAVE_UP", message);
        runtime.event("recovery", undefined, message);
        return runtime.gaveUp();
      }
    }
  };

  const runTick = (): void => {
    const lifetime = childLifetime(signal);
    tick = lifetime;
    pool
      .candidates()
      .then((candidates) => {
        const due = candidates.filter((candidate) => !candidate.connected).slice(0, options.maxDialsPerTick);
        const enough = () => runtime.requirementsMet();
        return pool.run(due, { concurrency: runtime.options.dialConcurrency, signal: lifetime.signal, enough });
      })
      .catch((error: unknown) => runtime.fail("DISCOVERY_FAILED", `cannot list known peers: ${errorMessage(error)}`))
      .finally(() => {
        lifetime.release();
        if (tick === lifetime) tick = undefined;
        send({ type: "tick-done" });
      });
  };

  runtime.bus.on("committed", ({ previous, next }) => {
    // The requirements are met again anyway (the SDK recovered on its own): retry as usual from now on.
    if (state.phase === "gave-up" && next.health.overall === "healthy") send({ type: "resume" });
    send({ type: "check", urgent: previous.status === "connected" && next.status !== "connected" });
  });
  runtime.bus.on("hint", (hint) => {
    const check = HINT_CHECKS[hint];
    if (check !== undefined) send({ type: "check", ...check });
  });
  runtime.bus.on("resume", () => send({ type: "resume" }));
}
