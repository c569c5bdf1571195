"use client";
import { useEffect, useState } from "react";

/** The wall clock, refreshed every `everyMs` while mounted: countdowns and "12 s ago" move on their own. */
export function useNow(everyMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
