/**
 * Rejects with "no answer within N ms" when `work` takes longer; `work` itself is left to finish
 * (the SDK's store and light push calls take no abort signal) and its late outcome is swallowed.
 */
export function withinMs<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = globalThis.setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    work.then(
      (value) => {
        globalThis.clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        globalThis.clearTimeout(timer);
        reject(error);
      },
    );
  });
}
