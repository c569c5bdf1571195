/**
 * Bundle size: what an app downloads for our entries, minified + gzipped, with the shared
 * libraries left out (react, zustand and @waku/* are the app's anyway), beside @waku/react 0.0.8
 * built the same way. The libp2p stack's own libraries (libp2p, @libp2p/*, @multiformats/*,
 * multiformats) are left out too: every Waku app bundles them already through @waku/sdk, and the
 * core resolves the very same copies.
 *
 * Built as an app's production build is: code splitting on (the peer manager's acting parts are a
 * chunk of their own, loaded when the first manager starts) and `process.env.NODE_ENV` set to
 * "production" (development-only warnings and checks are dropped). Each chunk is gzipped on its
 * own, as it is served. `ours` is the main entry with every chunk it imports statically — what
 * the first render needs; the chunks behind `import()` are reported in the note, and the total.
 */
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { build, type Metafile } from "esbuild";
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
const MAIN_GOAL_BYTES = 12 * 1024;
const MAIN_STRETCH_BYTES = 10 * 1024;

export interface BundleSize {
  /** The entry chunk and every chunk it imports statically: loaded before the first render. */
  main: number;
  /** Chunks reached only through `import()`: loaded when first needed. */
  later: number;
  /** Every JavaScript chunk's minified text, for checks of what a build contains. */
  code: string[];
}

export async function bundleSize(entry: string): Promise<BundleSize> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    outdir: "/virtual-out",
    write: false,
    metafile: true,
    external: EXTERNAL,
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "silent",
  });
  // Metafile paths are relative to the working directory, output paths absolute: compare by file name.
  const fileName = (path: string) => path.slice(path.lastIndexOf("/") + 1);
  const gzipped = new Map(result.outputFiles.map((file) => [fileName(file.path), gzipSync(file.contents, { level: 9 }).length]));
  const outputs = result.metafile.outputs;
  const entryChunk = Object.keys(outputs).find((name) => outputs[name]?.entryPoint !== undefined);
  if (entryChunk === undefined) throw new Error(`esbuild produced no entry chunk for ${entry}`);
  const main = new Set([...staticClosure(outputs, entryChunk)].map(fileName));
  let mainBytes = 0;
  let laterBytes = 0;
  for (const [name, bytes] of gzipped) {
    if (!name.endsWith(".js")) continue;
    if (main.has(name)) mainBytes += bytes;
    else laterBytes += bytes;
  }
  const code = result.outputFiles.filter((file) => file.path.endsWith(".js")).map((file) => file.text);
  return { main: mainBytes, later: laterBytes, code };
}

/** The chunk and every chunk it reaches through static imports. */
function staticClosure(outputs: Metafile["outputs"], from: string): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const imported of outputs[name]?.imports ?? []) {
      if (imported.kind === "import-statement" && !imported.external) visit(imported.path);
    }
  };
  visit(from);
  return seen;
}

const local = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const kB = (bytes: number) => bytes / 1024;
const format = (bytes: number) => `${kB(bytes).toFixed(1)} kB`;

export const bundleBenchmark: Benchmark = {
  rows: ["bundle-main", "bundle-core"],
  async run(): Promise<BenchRow[]> {
    const baseline = await bundleSize(fileURLToPath(import.meta.resolve("@waku/react")));
    const main = await bundleSize(local("src/index.ts"));
    const core = await bundleSize(local("src/core/index.ts"));
    const split = (size: BundleSize, mainHolds: string) =>
      `main chunk(s) ${format(size.main)} (${mainHolds}); loaded when the first manager starts: ${format(size.later)} ` +
      `(recovery, liveness, peer policy and cache, SDK observers, filter canary, reconnect); ` +
      `total ${format(size.main + size.later)}`;
    return [
      {
        name: "bundle-main",
        ours: kB(main.main),
        baseline: kB(baseline.main + baseline.later),
        ratio: costRatio(main.main, baseline.main + baseline.later),
        unit: "kB",
        goal: "≤ 12 kB min+gz (stretch 10 kB), every default on",
        met: main.main <= MAIN_GOAL_BYTES,
        note:
          `${split(main, "options, state, peer table, actions, provider and hooks")}; ` +
          `stretch goal ${main.main <= MAIN_STRETCH_BYTES ? "met" : "not met"}. ` +
          `Production build (NODE_ENV=production, ` +
          "code splitting), each chunk gzipped on its own. Baseline: @waku/react 0.0.8 built the same way " +
          "(a thin provider: it re-exports " +
          "@waku/sdk, which is external); externals: react, zustand, @waku/*, " +
          "and the libp2p stack every Waku app already bundles",
      },
      {
        name: "bundle-core",
        ours: kB(core.main),
        baseline: kB(baseline.main + baseline.later),
        ratio: costRatio(core.main, baseline.main + baseline.later),
        unit: "kB",
        goal: "smaller than main",
        met: core.main <= main.main,
        // The core entry also exports the message layer (watchMessages, createOutbox): this row bundles every export.
        note: `the React-free core alone, every export: ${split(core, "options, state, peer table, actions, message layer")}`,
      },
    ];
  },
};
