/**
 * The one dedupe set both delivery paths (filter and store) consult: message hashes, oldest
 * forgotten first once `capacity` is reached. The SDK's own filter dedupe forgets after 60 s and
 * never sees store results, so a back-fill would repeat what filter delivered.
 *
 * @example
 * const seen = new BoundedHashSet(10_000);
 * if (seen.add(message.hash)) deliver(message); // false: seen before
 */
export class BoundedHashSet {
  readonly #capacity: number;
  readonly #hashes = new Set<string>();

  constructor(capacity: number) {
    this.#capacity = Math.max(1, Math.floor(capacity));
  }

  has(hash: string): boolean {
    return this.#hashes.has(hash);
  }

  /** Adds the hash; false when it was already there. */
  add(hash: string): boolean {
    if (this.#hashes.has(hash)) return false;
    this.#hashes.add(hash);
    if (this.#hashes.size > this.#capacity) {
      const oldest = this.#hashes.values().next().value;
      if (oldest !== undefined) this.#hashes.delete(oldest);
    }
    return true;
  }

  get size(): number {
    return this.#hashes.size;
  }
}
