/**
 * The `dropConnection` fault: decides, request by request, whether the client's connection
 * is reset instead of the request being answered. Counts live per connection, so a client
 * that reconnects starts afresh, and are forgotten when the fault is set again.
 */
import type { Connection } from "@libp2p/interface";
import type { FaultState } from "./faults.js";

export class ConnectionDropper {
  readonly #faults: FaultState;
  readonly #random: () => number;
  /** Requests answered per connection since the fault was last set. */
  #answered = new WeakMap<Connection, number>();

  constructor(faults: FaultState, random: () => number = Math.random) {
    this.#faults = faults;
    this.#random = random;
  }

  /**
   * Called once per complete request; true when this request must cost the client its
   * connection (and is then not answered).
   *
   * @example
   * if (dropper.shouldDrop(connection)) connection.abort(new Error("fault injected: dropConnection"));
   */
  shouldDrop(connection: Connection): boolean {
    const rule = this.#faults.current.dropConnection;
    if (!rule) return false;
    const answered = this.#answered.get(connection) ?? 0;
    const countReached = rule.afterRequests !== undefined && answered >= rule.afterRequests;
    const drawn = rule.probability !== undefined && rule.probability > 0 && this.#random() < rule.probability;
    if (countReached || drawn) return true;
    this.#answered.set(connection, answered + 1);
    return false;
  }

  /** Starts every count from zero (the fault was set again). */
  reset(): void {
    this.#answered = new WeakMap();
  }
}
