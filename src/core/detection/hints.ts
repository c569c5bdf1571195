import type { EnvironmentHint } from "./environment.js";
import type { Runtime } from "../runtime.js";

/**
 * The environment's hints into the runtime: `online` follows `online`/`offline`, every hint is
 * logged and put on the bus, where liveness and recovery answer it with a check — never a verdict.
 *
 * Returns the manager's `simulateOffline`: while on, the runtime hears `offline` and ignores the
 * environment's own `online`/`offline` (the device's real flag cannot end the simulation); when
 * off, it hears whatever the environment says now. Simulated hints are logged and acted on exactly
 * like real ones, so what a developer sees is what a real outage of the device does.
 */
export function followEnvironment(runtime: Runtime): (offline: boolean) => void {
  let simulatingOffline = false;
  const hear = (hint: EnvironmentHint): void => {
    if (hint === "online") runtime.facts.online = true;
    else if (hint === "offline") runtime.facts.online = false;
    runtime.event("hint", undefined, hint);
    runtime.bus.emit("hint", hint);
  };
  const unsubscribe = runtime.environment.subscribe((event) => {
    if (runtime.signal.aborted) return;
    if (simulatingOffline && (event.type === "online" || event.type === "offline")) return;
    hear(event.type);
  });
  runtime.lifetime.onEnd(unsubscribe);
  return (offline) => {
    if (runtime.signal.aborted || offline === simulatingOffline) return;
    simulatingOffline = offline;
    const online = !offline && runtime.environment.isOnline();
    if (online !== runtime.facts.online) hear(online ? "online" : "offline");
  };
}
