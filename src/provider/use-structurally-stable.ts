"use client";
import { useState } from "react";

import { structurallyEqual } from "./structural.js";

/**
 * Returns the first value of a run of equal values (structurally equal by default), so inline
 * objects (`options={{ ... }}`) can be effect dependencies without firing the effect on every
 * render. Uses React's "adjust state while rendering" pattern instead of writing a ref during render.
 */
export function useStructurallyStable<T>(value: T, isEqual: (a: T, b: T) => boolean = structurallyEqual): T {
  const [stable, setStable] = useState(value);
  if (stable !== value && !isEqual(stable, value)) {
    setStable(() => value);
    return value;
  }
  return stable;
}
