/** One day: the widest range a store query may ask for (nwaku and @waku/core refuse wider). */
export const MAX_STORE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** A time range in epoch ms: `from` inclusive, `to` exclusive. */
export interface TimeRange {
  from: number;
  to: number;
}

/**
 * Splits a range into consecutive windows of at most `maxWindowMs`, oldest first, **including
 * the remainder** (the SDK's own chunking drops it: a 30 h range loses its newest 6 h). An empty
 * or inverted range gives no window.
 *
 * @example
 * storeWindows({ from: 0, to: 30 * HOUR }); // [{ from: 0, to: 24 * HOUR }, { from: 24 * HOUR, to: 30 * HOUR }]
 */
export function storeWindows(range: TimeRange, maxWindowMs: number = MAX_STORE_WINDOW_MS): TimeRange[] {
  const windows: TimeRange[] = [];
  if (!(maxWindowMs > 0) || !(range.to > range.from)) return windows;
  for (let from = range.from; from < range.to; from += maxWindowMs) {
    windows.push({ from, to: Math.min(from + maxWindowMs, range.to) });
  }
  return windows;
}
