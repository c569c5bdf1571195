import { act } from "@testing-library/react";
import { beforeAll, vi } from "vitest";

import { preloadPeerManager } from "../../../src/core/index.js";

// The manager's acting parts are loaded before the first test, as the core harness does, so a
// provider's manager starts them synchronously and timings do not depend on module loading.
beforeAll(() => preloadPeerManager());

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
