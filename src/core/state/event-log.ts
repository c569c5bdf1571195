import type { PeerEvent } from "../types.js";

/**
 * The recent-events ring buffer. `push` is O(1) and allocation-free beyond the event itself
 * (a burst of thousands of peer events must stay cheap) and calls `onDirty` (the manager
 * schedules its commit from there); `snapshot` builds the public array (newest last) only when
 * something was pushed since the last one, so an unchanged log keeps its identity.
 */
export class EventLog {
  readonly #capacity: number;
  readonly #slots: (PeerEvent | undefined)[];
  readonly #onDirty: () => void;
  #next = 0;
  #size = 0;
  #snapshot: readonly PeerEvent[] = Object.freeze([]);
  #dirty = false;

  constructor(capacity: number, onDirty: () => void = () => {}) {
    this.#capacity = capacity;
    this.#slots = new Array<PeerEvent | undefined>(capacity);
    this.#onDirty = onDirty;
  }

  push(event: PeerEvent): void {
    if (this.#capacity === 0) return;
    this.#slots[this.#next] = event;
    this.#next = (this.#next + 1) % this.#capacity;
    if (this.#size < this.#capacity) this.#size++;
    this.#dirty = true;
    this.#onDirty();
  }

  /** Events were pushed since the last snapshot. */
  get unpublished(): boolean {
    return this.#dirty;
  }

  snapshot(): readonly PeerEvent[] {
    if (!this.#dirty) return this.#snapshot;
    // Two native copies (oldest part, then the wrapped part) instead of an element-by-element loop:
    // this runs once per commit.
    const slots = this.#slots as PeerEvent[];
    const events =
      this.#size < this.#capacity ? slots.slice(0, this.#size) : slots.slice(this.#next).concat(slots.slice(0, this.#next));
    this.#snapshot = Object.freeze(events);
    this.#dirty = false;
    return this.#snapshot;
  }
}
