/**
 * Bundle size: minified + gzipped size of our entries with the shared libraries left out
 * (react, zustand and @waku/* are the app's anyway), beside @waku/react 0.0.8 built the same way.
 * The libp2p stack's own libraries (libp2p, @libp2p/*, @multiformats/*, multiformats) are left out
 * too: every Waku app bundles them already through @waku/sdk, and the core resolves the very
 * same copies (one @multiformats/multiaddr 12.5.1 in the tree, which the SDK's libp2p uses).
 */
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { costRatio, type Benchmark, type BenchRow } from "../types.js";

const EXTERNAL = [
  "react",
  "react-dom",
  "react/jsx-runtime",
  "zustand",
  "zustand/*",
  "@waku/*",
  "@libp2p/*",
  "libp2p",
  "@multiformats/*",
  "multiformats",
  "multiformats/*",
];
const MAIN_GOAL_BYTES = 6 * 1024;

export async function gzippedSize(entry: string): Promise<number> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    external: EXTERNAL,
    logLevel: "silent",
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error(`esbuild produced nothing for ${entry}`);
  return gzipSync(output.contents, { level: 9 }).length;
}

const local = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

export const bundleBenchmark: Benchmark = {
  rows: ["bundle-main", "bundle-core"],
  async run(): Promise<BenchRow[]> {
    const baseline = await gzippedSize(fileURLToPath(import.meta.resolve("@waku/react")));
    const main = await gzippedSize(local("src/index.ts"));
    const core = await gzippedSize(local("src/core/index.ts"));
    const kB = (bytes: number) => bytes / 1024;
    return [
      {
        name: "bundle-main",
        ours: kB(main),
        baseline: kB(baseline),
        ratio: costRatio(main, baseline),
        unit: "kB",
        goal: "≤ 6 kB min+gz",
        met: main <= MAIN_GOAL_BYTES,
        note:
          "baseline: @waku/react 0.0.8 built the same way (a thin provider: it re-exports @waku/sdk, which is external); " +
          "externals: react, zustand, @waku/*, and the libp2p stack every Waku app already bundles (libp2p, @libp2p/*, @multiformats/*)",
      },
      {
        name: "bundle-core",
        ours: kB(core),
        baseline: kB(baseline),
        ratio: costRatio(core, baseline),
        unit: "kB",
        goal: "smaller than main",
        met: core <= main,
        note: "the React-free core alone",
      },
    ];
  },
};
