/**
 * The faults a node is currently told to simulate. Protocol servers read it on every
 * request, so a change applies to the next request without restarting anything.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Fault } from "../types.js";

export class FaultState {
  #fault: Fault;
  /** Aborted on stop so that no latency timer outlives the node. */
  readonly #stopped = new AbortController();

  constructor(initial: Fault) {
    this.#fault = { ...initial };
  }

  get current(): Readonly<Fault> {
    return this.#fault;
  }

  /** Replaces every fault: an empty object clears them all. */
  set(fault: Fault): void {
    this.#fault = { ...fault };
  }

  /** Waits `latencyMs` before a reply is written; rejects if the node stops meanwhile. */
  async delayReply(): Promise<void> {
    const latencyMs = this.#fault.latencyMs ?? 0;
    if (latencyMs <= 0) return;
    await sleep(latencyMs, undefined, { signal: this.#stopped.signal });
  }

  stop(): void {
    this.#stopped.abort(new Error("service node stopped"));
  }
}
