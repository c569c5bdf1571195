/**
 * The one listener primitive (TanStack Query's `Subscribable` habit): every set of listeners in
 * waku-peers is one of these. A listener that throws never starves the ones after it; its error
 * goes to `onError` (by default it is re-thrown on a microtask, where it surfaces without breaking
 * the code that emitted).
 */
export interface Listeners<T> {
  /** Returns the unsubscribe. */
  add(listener: (value: T) => void): () => void;
  emit(value: T): void;
  readonly size: number;
  clear(): void;
}

export function createListeners<T>(onError: (error: unknown) => void = rethrowLater): Listeners<T> {
  const listeners = new Set<(value: T) => void>();
  return {
    add(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    emit(value) {
      // Live iteration: a listener removed meanwhile is skipped; no copy per emit on hot paths.
      for (const listener of listeners) {
        try {
          listener(value);
        } catch (error) {
          onError(error);
        }
      }
    },
    get size() {
      return listeners.size;
    },
    clear: () => listeners.clear(),
  };
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
    let listeners = channels.get(name) as Listeners<Events[K]> | undefined;
    if (listeners === undefined) {
      listeners = createListeners<Events[K]>(onError);
      channels.set(name, listeners as Listeners<never>);
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
