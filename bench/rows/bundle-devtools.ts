/**
 * What `<WakuPeersDevtools />` costs an app that already uses `waku-peers`, built exactly like the
 * bundle rows (production build, code splitting, each chunk gzipped on its own, react, react-dom,
 * zustand, `@waku/*` and the libp2p stack external):
 *
 * - `bundle-devtools`: the devtools as they are when shown (from "waku-peers/devtools/production",
 *   which never switches them off): the loader in the app's first chunk, and the panel's chunk
 *   that is fetched when it first mounts.
 * - `bundle-devtools-prod`: an app rendering `<WakuPeersDevtools />` from "waku-peers/devtools" in a
 *   production build, minus the app without it. The goal is (almost) nothing, and none of the UI:
 *   the build's text is searched for the panel's own strings.
 */
import { fileURLToPath } from "node:url";

import type { Benchmark, BenchRow } from "../types.js";
import { bundleSize, type BundleSize } from "./bundle.js";

const PROD_GOAL_BYTES = 0.2 * 1024;
const LOADER_GOAL_BYTES = 1024;
/** Strings only the panel's UI holds (its title, its stylesheet, a section's test id). */
const UI_MARKERS = ["waku-peers devtools", ":host { all: initial;", "devtools-timeline"];
const local = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const total = (size: BundleSize) => size.main + size.later;
const kB = (bytes: number) => `${(bytes / 1024).toFixed(2)} kB`;

export const bundleDevtoolsBenchmark: Benchmark = {
  rows: ["bundle-devtools", "bundle-devtools-prod"],
  async run(): Promise<BenchRow[]> {
    const main = await bundleSize(local("src/index.ts"));
    const shown = await bundleSize(local("bench/lib/app-with-devtools-always.ts"));
    const gated = await bundleSize(local("bench/lib/app-with-devtools.ts"));
    const prodAdded = total(gated) - total(main);
    const uiInProd = UI_MARKERS.filter((marker) => gated.code.some((chunk) => chunk.includes(marker)));
    const uiWhenShown = UI_MARKERS.filter((marker) => shown.code.some((chunk) => chunk.includes(marker)));
    if (uiWhenShown.length !== UI_MARKERS.length)
      throw new Error(
        `the markers do not find the devtools UI in a build that has it (found ${uiWhenShown.join(", ") || "none"})`,
      );
    return [
      {
        name: "bundle-devtools",
        ours: (total(shown) - total(main)) / 1024,
        baseline: null,
        ratio: null,
        unit: "kB",
        goal: "the app's first chunk(s) grow ≤ 1 kB: the panel loads on mount",
        met: shown.main - main.main <= LOADER_GOAL_BYTES,
        note:
          `added to the app's first chunk(s): ${kB(shown.main - main.main)} (the loader); ` +
          `fetched when the devtools first mount: ${kB(shown.later - main.later)}; ` +
          `app with the devtools ${kB(total(shown))} − app ${kB(total(main))}; no baseline`,
      },
      {
        name: "bundle-devtools-prod",
        ours: prodAdded / 1024,
        baseline: null,
        ratio: null,
        unit: "kB",
        goal: "≤ 0.2 kB added to a production app, none of the UI",
        met: prodAdded <= PROD_GOAL_BYTES && uiInProd.length === 0,
        note:
          `app rendering <WakuPeersDevtools /> ${kB(total(gated))} − app ${kB(total(main))}; ` +
          `UI strings in the production build: ${uiInProd.length === 0 ? "none" : uiInProd.join(", ")}; ` +
          `chunks: ${gated.code.length} (app alone: ${main.code.length})`,
      },
    ];
  },
};
