import type { Runtime } from "../runtime.js";

/**
 * The environment's hints into the runtime: `online` follows `online`/`offline`, every hint is
 * logged and put on the bus, where liveness and recovery answer it with a check — never a verdict.
 */
export function followEnvironment(runtime: Runtime): void {
  const unsubscribe = runtime.environment.subscribe((event) => {
    if (runtime.signal.aborted) return;
    if (event.type === "online") runtime.facts.online = true;
    else if (event.type === "offline") runtime.facts.online = false;
    runtime.event("hint", undefined, event.type);
    runtime.bus.emit("hint", event.type);
  });
  runtime.lifetime.onEnd(unsubscribe);
}
