// How the panel writes times, durations and peer ids.

/** `14:03:07`, the local wall clock. */
export function clockTime(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour12: false });
}

/** `350 ms`, `4.2 s`, `3 min 5 s`. */
export function duration(ms: number): string {
  if (ms < 1_000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1_000)} s`;
}

/** The tail of a peer id: what tells peers apart at a glance (the full id is the title). */
export function shortId(id: string): string {
  return id.length > 10 ? `…${id.slice(-8)}` : id;
}
