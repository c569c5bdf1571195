/**
 * What the `waku-peers/messages` entry adds to an app that already uses `waku-peers`: an app
 * importing both, minus the main entry alone, built exactly like the bundle rows (production build
 * with code splitting, each chunk gzipped on its own, react, zustand, `@waku/*` and the libp2p
 * stack external; idb-keyval is bundled). Both sides count every chunk, loaded at once or later.
 */
import { fileURLToPath } from "node:url";

import type { Benchmark, BenchRow } from "../types.js";
import { bundleSize } from "./bundle.js";

const GOAL_BYTES = 5 * 1024;
const local = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

export const bundleMessagesBenchmark: Benchmark = {
  rows: ["bundle-messages"],
  async run(): Promise<BenchRow[]> {
    const total = async (entry: string) => {
      const size = await bundleSize(local(entry));
      return size.main + size.later;
    };
    const main = await total("src/index.ts");
    const both = await total("bench/lib/main-and-messages.ts");
    const added = both - main;
    return [
      {
        name: "bundle-messages",
        ours: added / 1024,
        baseline: null,
        ratio: null,
        unit: "kB",
        goal: "≤ 5 kB min+gz over the main entry",
        met: added <= GOAL_BYTES,
        note:
          `main + messages ${(both / 1024).toFixed(1)} kB − main ${(main / 1024).toFixed(1)} kB; ` +
          `no baseline (@waku/react 0.0.8 has no message hooks)`,
      },
    ];
  },
};
