/**
 * Bounds on inbound request streams: how many one peer may hold open at once, and how long
 * one may sit without a byte. Without them a single client could open streams and never
 * write, holding the node's memory for as long as it liked.
 */

/** Open request streams per remote peer (over all its connections). */
export class PeerStreamLimiter {
  readonly #max: number;
  readonly #open = new Map<string, number>();

  constructor(maxPerPeer: number) {
    this.#max = maxPerPeer;
  }

  get maxPerPeer(): number {
    return this.#max;
  }

  /**
   * Counts a new stream of `peer` in; false (and nothing counted) when it already has the maximum.
   *
   * @example
   * if (!limiter.tryOpen(peer)) stream.abort(new Error("too many streams"));
   * else try { ... } finally { limiter.close(peer); }
   */
  tryOpen(peer: string): boolean {
    const open = this.#open.get(peer) ?? 0;
    if (open >= this.#max) return false;
    this.#open.set(peer, open + 1);
    return true;
  }

  /** Counts a stream of `peer` out. */
  close(peer: string): void {
    const open = (this.#open.get(peer) ?? 1) - 1;
    if (open <= 0) this.#open.delete(peer);
    else this.#open.set(peer, open);
  }
}

/**
 * A deadline pushed back by every sign of life; when it passes, `onExpire` runs once.
 *
 * @example
 * const idle = new IdleDeadline(60_000, () => stream.abort(new Error("idle")));
 * for await (const chunk of source) idle.touch();
 * idle.cancel();
 */
export class IdleDeadline {
  readonly #ms: number;
  readonly #onExpire: () => void;
  #timer: NodeJS.Timeout | undefined;
  #expired = false;

  constructor(ms: number, onExpire: () => void) {
    this.#ms = ms;
    this.#onExpire = onExpire;
    this.#arm();
  }

  get expired(): boolean {
    return this.#expired;
  }

  touch(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#arm();
  }

  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#expired = true;
      this.#onExpire();
    }, this.#ms);
    // A pending deadline must never keep a node process alive on its own.
    this.#timer.unref();
  }
}
