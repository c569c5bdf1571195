/**
 * The one listener primitive (TanStack Query's `Subscribable` habit): every set of listeners in
 * waku-peers is one of these. A listener that throws never starves the ones after it; its error
 * goes to `onError` (by default it is re-thrown on a microtask, where it surfaces without breaking
 * the code that emitted). A class, so a thousand short-lived sets cost no closures.
 */
export class Listeners<T> {
  readonly #listeners = new Set<(value: T) => void>();
  readonly #onError: (error: unknown) => void;

  constructor(onError: (error: unknown) => void = rethrowLater) {
    this.#onError = onError;
  }

  /** Returns the unsubscribe. Bound: it can be handed around as `listeners.add`. */
  readonly add = (listener: (value: T) => void): (() => void) => {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  };

  emit(value: T): void {
    // Live iteration: a listener removed meanwhile is skipped; no copy per emit on hot paths.
    for (const listener of this.#listeners) {
      try {
        listener(value);
      } catch (error) {
        this.#onError(error);
      }
    }
  }

  get size(): number {
    return this.#listeners.size;
  }

  clear(): void {
    this.#listeners.clear();
  }
}

/**
 * @example
 * const listeners = createListeners<string>();
 * const unsubscribe = listeners.add((value) => console.log(value));
 * listeners.emit("hello");
 */
export function createListeners<T>(onError?: (error: unknown) => void): Listeners<T> {
  return new Listeners<T>(onError);
}

/** Named channels of {@link Listeners}, one per event name of `Events`. */
export interface Bus<Events> {
  on<K extends keyof Events>(name: K, listener: (value: Events[K]) => void): () => void;
  emit<K extends keyof Events>(name: K, value: Events[K]): void;
  clear(): void;
}

export function createBus<Events>(onError?: (error: unknown) => void): Bus<Events> {
  const channels = new Map<keyof Events, Listeners<never>>();
  const channel = <K extends keyof Events>(name: K): Listeners<Events[K]> => {
    let listeners = channels.get(name) as unknown as Listeners<Events[K]> | undefined;
    if (listeners === undefined) {
      listeners = new Listeners<Events[K]>(onError);
      channels.set(name, listeners as unknown as Listeners<never>);
    }
    return listeners;
  };
  return {
    on: (name, listener) => channel(name).add(listener),
    emit: (name, value) => channels.get(name)?.emit(value as never),
    clear() {
      for (const listeners of channels.values()) listeners.clear();
    },
  };
}

function rethrowLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}
