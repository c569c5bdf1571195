import { act } from "@testing-library/react";
import { vi } from "vitest";

/**
 * Lets effects, microtask-batched store commits and promise chains (node creation, start) run,
 * inside act() so React applies the resulting updates. Works with real and fake timers.
 */
export async function flush(): Promise<void> {
  await act(async () => {
    for (let round = 0; round < 5; round++) {
      if (vi.isFakeTimers()) await vi.advanceTimersByTimeAsync(0);
      else await new Promise((resolve) => setTimeout(resolve, 0));
    }
  });
}
