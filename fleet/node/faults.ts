/**
 * The faults a node is currently told to simulate. Protocol servers read it on every
 * request, so a change applies to the next request without restarting anything.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Fault } from "../types.js";

export class FaultState {
  #fault: Fault;
  readonly #random: () => number;
  /** Aborted on stop so that no latency timer outlives the node. */
  readonly #stopped = new AbortController();

  constructor(initial: Fault, random: () => number = Math.random) {
    this.#fault = { ...initial };
    this.#random = random;
  }

  get current(): Readonly<Fault> {
    return this.#fault;
  }

  /** Replaces every fault: an empty object clears them all. */
  set(fault: Fault): void {
    this.#fault = { ...fault };
  }

  /**
   * Waits `latencyMs` ± a uniform draw within `jitterMs` (never below 0) before a reply is
   * written; rejects if the node stops meanwhile.
   */
  async delayReply(): Promise<void> {
    const { latencyMs = 0, jitterMs = 0 } = this.#fault;
    const delayMs = Math.max(0, Math.round(latencyMs + (jitterMs > 0 ? (this.#random() * 2 - 1) * jitterMs : 0)));
    if (delayMs <= 0) return;
    await sleep(delayMs, undefined, { signal: this.#stopped.signal });
  }

  stop(): void {
    this.#stopped.abort(new Error("service node stopped"));
  }
}
