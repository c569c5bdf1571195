"use client";
import { useInsertionEffect, useRef } from "react";

/**
 * A ref that always holds the latest value, so a subscription made once can call the newest
 * callback and callers need no `useCallback`. Updated in an insertion effect: before any layout
 * or passive effect (or event) can read it, and never during render.
 */
export function useLatest<T>(value: T): { readonly current: T } {
  const ref = useRef(value);
  useInsertionEffect(() => {
    ref.current = value;
  });
  return ref;
}
