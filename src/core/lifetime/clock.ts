/** An opaque timer handle: a number in browsers, an object in Node. */
export type TimerHandle = unknown;

/**
 * Time as the core sees it. Injected so tests drive it with fake timers and so nothing touches
 * `window` at import or construction time (server rendering).
 */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The real clock. Globals are looked up on every call, not captured at import, so fake timers
 * installed after this module loaded still take effect.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};
