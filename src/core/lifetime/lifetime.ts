import { Listeners } from "./listeners.js";

/**
 * One lifetime for everything a manager starts: `stop()` ends it, and every part registered its
 * release with `onEnd`. The abort `signal` is for the APIs that take one (libp2p's dial, ping,
 * hang-up); our own releases are one listener set, not a listener per part on the signal (Node
 * warns past ten of those).
 */
export interface Lifetime {
  readonly signal: AbortSignal;
  readonly ended: boolean;
  /** Runs `release` when the lifetime ends (at once when it has). Returns an unregister. */
  onEnd(release: () => void): () => void;
}

export interface OwnedLifetime extends Lifetime {
  /** Ends it: aborts `signal`, then runs every release in registration order. Idempotent. */
  end(reason?: unknown): void;
  /**
   * The work is done: runs the releases (timers go) and unlinks from the parent, without aborting
   * `signal` (an abort builds an error nobody reads, on a hot path). Idempotent.
   */
  release(): void;
}

const noop = (): void => {};
const NOT_ABORTED = Symbol("not aborted");

class ScopedLifetime implements OwnedLifetime {
  // Made when someone asks for the signal: most lifetimes (a dial round, a timeout) never need one.
  #controller: AbortController | undefined;
  #reason: unknown;
  readonly #releases = new Listeners<void>();
  #ended = false;
  #unlink = noop;

  constructor(parent: Lifetime | undefined) {
    if (parent !== undefined) this.#unlink = parent.onEnd(() => this.end(parent.signal.reason));
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#ended && this.#reason !== NOT_ABORTED) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  get ended(): boolean {
    return this.#ended;
  }

  onEnd(release: () => void): () => void {
    if (!this.#ended) return this.#releases.add(release);
    release();
    return noop;
  }

  end(reason?: unknown): void {
    this.#finish(true, reason);
  }

  release(): void {
    this.#finish(false);
  }

  #finish(abort: boolean, reason?: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#unlink();
    this.#reason = abort ? reason : NOT_ABORTED;
    if (abort) this.#controller?.abort(reason);
    this.#releases.emit();
    this.#releases.clear();
  }
}

/**
 * A lifetime; given a `parent`, it also ends with the parent (and unlinks itself when it ends first).
 *
 * @example
 * const dials = createLifetime(runtime.lifetime);
 * after(clock, dials, 5_000, () => dials.end(new Error("timed out")));
 * dials.release(); // done early: the timer goes, nothing is aborted
 */
export function createLifetime(parent?: Lifetime): OwnedLifetime {
  return new ScopedLifetime(parent);
}
