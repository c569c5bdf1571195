import { useEffect, useState } from "react";
import { usePeerHealth, type HealthState } from "../../../src/index.js";

export interface HealthSample {
  at: number;
  lightPush: number;
  filter: number;
  store: number;
}

/**
 * Keeps a sliding window of per-protocol counts: one sample on every change of health, and a
 * repeat of the last one each second so the chart keeps moving while nothing happens.
 */
export function useHealthHistory(windowMs: number): HealthSample[] {
  const health = usePeerHealth();
  const [samples, setSamples] = useState<HealthSample[]>([]);

  useEffect(() => {
    setSamples((previous) => appendSample(previous, health, windowMs));
  }, [health, windowMs]);

  useEffect(() => {
    const timer = setInterval(() => setSamples((previous) => extendLast(previous, windowMs)), 1000);
    return () => clearInterval(timer);
  }, [windowMs]);

  return samples;
}

function appendSample(previous: HealthSample[], health: HealthState, windowMs: number): HealthSample[] {
  const sample = {
    at: Date.now(),
    lightPush: health.lightPush.connected,
    filter: health.filter.connected,
    store: health.store.connected,
  };
  return trim([...previous, sample], windowMs);
}

function extendLast(previous: HealthSample[], windowMs: number): HealthSample[] {
  const last = previous[previous.length - 1];
  if (!last) return previous;
  return trim([...previous, { ...last, at: Date.now() }], windowMs);
}

function trim(samples: HealthSample[], windowMs: number): HealthSample[] {
  const oldest = Date.now() - windowMs;
  const firstKept = samples.findIndex((sample) => sample.at >= oldest);
  // Keep one sample before the window so the line starts at the left edge.
  return firstKept <= 0 ? samples : samples.slice(firstKept - 1);
}
