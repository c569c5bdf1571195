/**
 * Code loaded when first needed: a separate chunk for bundlers, so the main entry stays small.
 * The loaded module is code, not state: once loaded it serves every manager, and a manager made
 * after that starts the part synchronously.
 */
export interface LazyModule<T> {
  /** The module, once loaded. */
  readonly loaded: T | undefined;
  load(): Promise<T>;
}

export function lazyModule<T>(importer: () => Promise<T>): LazyModule<T> {
  let loaded: T | undefined;
  let loading: Promise<T> | undefined;
  return {
    get loaded() {
      return loaded;
    },
    load() {
      loading ??= importer().then(
        (module) => (loaded = module),
        (error: unknown) => {
          loading = undefined; // a failed chunk load may succeed next time (flaky network)
          throw error;
        },
      );
      return loading;
    },
  };
}
