// Loaded when first needed (a chunk of its own): everything that watches the SDK's own protocol
// calls. Most of it reaches into SDK internals (see sdk-internals.ts), and none of it is needed
// for the first connection, so the main entry does not carry it.
import { startFilterCanary } from "../detection/filter-canary.js";
import type { DialPool } from "../recovery/dial-pool.js";
import type { Runtime } from "../runtime.js";
import { observeProtocols } from "./protocol-observer.js";

/** Starts the protocol observer and, where filter pushes can be watched, the filter canary. */
export function watchSdk(runtime: Runtime, pool: DialPool): void {
  const capabilities = observeProtocols(runtime, pool);
  if (capabilities.filterPushes) startFilterCanary(runtime, pool);
}
