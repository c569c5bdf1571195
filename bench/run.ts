/**
 * `npm run bench`: every benchmark, side by side with its baseline, in one run.
 *
 *   npm run bench                  the Markdown table, notes and machine line on stdout
 *   npm run bench -- --json        exactly one JSON object on stdout: { machine, smoke, rows }
 *   npm run bench -- --smoke       tiny parameters (what `npm test` runs): proves every benchmark works
 *   npm run bench -- --only a,b    only these rows (a benchmark producing several rows runs whole)
 *   npm run bench -- --trials N    trial count of every benchmark that repeats trials
 *
 * Progress goes to stderr. The result is also written to bench/results/latest.{json,md}
 * (smoke runs: smoke.{json,md}, so `npm test` never overwrites real figures; --only: partial.*).
 * npm prints its own "> waku-peers@… bench" banner on stdout before the script runs; for pure
 * JSON use `npm run -s bench -- --json` (the JSON object is also always the last line).
 * Exit 1 when a benchmark throws or yields a non-finite figure; unmet goals are results, not errors.
 */
// The polyfill goes first: the benchmarks create libp2p nodes under Node 20.
import "waku-peers-fleet/polyfill";

import { mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import { formatMachine, formatNotes, formatTable } from "./format.js";
import { withTimeout } from "./lib/time.js";
import { describeMachine } from "./machine.js";
import { backOnlineBenchmark } from "./rows/back-online.js";
import { bundleBenchmark } from "./rows/bundle.js";
import { bundleDevtoolsBenchmark } from "./rows/bundle-devtools.js";
import { bundleMessagesBenchmark } from "./rows/bundle-messages.js";
import { eventCostBenchmark } from "./rows/event-cost.js";
import { falseDropsBenchmark } from "./rows/false-drops.js";
import { frozenPeerBenchmark } from "./rows/frozen-peer.js";
import { hostilePxBenchmark } from "./rows/hostile-px.js";
import { killedPeerBenchmark } from "./rows/killed-peer.js";
import { leaksHooksBenchmark } from "./rows/leaks-hooks.js";
import { leaksProviderBenchmark } from "./rows/leaks-provider.js";
import { messagesBenchmark } from "./rows/messages.js";
import { redundancyRestoredBenchmark } from "./rows/redundancy-restored.js";
import { rendersBenchmark } from "./rows/renders.js";
import { rendersIdleBenchmark } from "./rows/renders-idle.js";
import { restartRecoveryBenchmark } from "./rows/restart-recovery.js";
import type { BenchContext, Benchmark, BenchRow } from "./types.js";

/** The order of the issue, which is the order of the table. */
const ROW_ORDER = [
  "restart-recovery",
  "frozen-peer",
  "killed-peer-store",
  "killed-peer-status",
  "false-drops",
  "redundancy-restored",
  "back-online",
  "renders-badge",
  "renders-counts",
  "renders-idle",
  "event-cost",
  "bundle-main",
  "bundle-core",
  "leaks-provider",
  "leaks-hooks",
  "hostile-px",
  "messages-lost-receive",
  "messages-lost-send",
  "messages-duplicates",
  "backfill-latency",
  "bundle-messages",
  "bundle-devtools",
  "bundle-devtools-prod",
] as const;

/**
 * Two lanes: the benchmarks whose nodes live in child processes, and those with light nodes in
 * this process (kept in one lane because back-online installs browser globals — `navigator.onLine`,
 * window events — that any light node or peer manager in this process would read).
 *
 * A full run takes them one after another, lane after lane, so that no figure shares the CPU with
 * another benchmark; the restart trials (15 node processes) come last. A smoke run measures
 * nothing worth quoting and must stay short (`npm test` runs it), so it runs the lanes side by side.
 */
const LANES: readonly (readonly Benchmark[])[] = [
  [
    bundleBenchmark,
    bundleMessagesBenchmark,
    bundleDevtoolsBenchmark,
    eventCostBenchmark,
    rendersBenchmark,
    rendersIdleBenchmark,
    leaksHooksBenchmark,
    leaksProviderBenchmark,
  ],
  [
    killedPeerBenchmark,
    backOnlineBenchmark,
    frozenPeerBenchmark,
    falseDropsBenchmark,
    redundancyRestoredBenchmark,
    restartRecoveryBenchmark,
    messagesBenchmark,
    hostilePxBenchmark,
  ],
];

/** A benchmark that runs past this has hung; it fails instead of holding the run. */
const BENCHMARK_TIMEOUT_MS = { full: 6 * 60_000, smoke: 2 * 60_000 };

const RESULTS_DIR = fileURLToPath(new URL("./results/", import.meta.url));

interface Flags {
  json: boolean;
  smoke: boolean;
  only: Set<string> | undefined;
  trials: number | undefined;
}

function parseFlags(argv: string[]): Flags {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: "boolean", default: false },
      smoke: { type: "boolean", default: false },
      only: { type: "string" },
      trials: { type: "string" },
    },
    strict: true,
  });
  let only: Set<string> | undefined;
  if (values.only !== undefined) {
    only = new Set(
      values.only
        .split(",")
        .map((name) => name.trim())
        .filter(Boolean),
    );
    const unknown = [...only].filter((name) => !(ROW_ORDER as readonly string[]).includes(name));
    if (unknown.length > 0 || only.size === 0) {
      throw new Error(`--only: unknown row(s) ${unknown.join(", ") || "(none given)"}; known: ${ROW_ORDER.join(", ")}`);
    }
  }
  let trials: number | undefined;
  if (values.trials !== undefined) {
    trials = Number(values.trials);
    if (!Number.isInteger(trials) || trials < 1) throw new Error(`--trials must be a positive integer, got ${values.trials}`);
  }
  return { json: values.json ?? false, smoke: values.smoke ?? false, only, trials };
}

const log = (message: string): void => {
  process.stderr.write(`[bench] ${message}\n`);
};

/** Names of the figures that are not finite numbers (null is allowed only where it means "none"). */
function invalidFigures(row: BenchRow): string[] {
  const problems: string[] = [];
  if (!Number.isFinite(row.ours)) problems.push("ours");
  if (row.baseline !== null && !Number.isFinite(row.baseline)) problems.push("baseline");
  if (row.ratio !== null && !Number.isFinite(row.ratio)) problems.push("ratio");
  return problems;
}

async function main(): Promise<number> {
  const flags = parseFlags(process.argv.slice(2));
  const machine = describeMachine();
  const context: BenchContext = { smoke: flags.smoke, trials: flags.trials, log };
  const wanted = (benchmark: Benchmark): boolean => !flags.only || benchmark.rows.some((row) => flags.only!.has(row));
  const lanes = (flags.smoke ? LANES : [LANES.flat()]).map((lane) => lane.filter(wanted)).filter((lane) => lane.length > 0);
  const timeoutMs = flags.smoke ? BENCHMARK_TIMEOUT_MS.smoke : BENCHMARK_TIMEOUT_MS.full;
  const startedAt = performance.now();
  const rows: BenchRow[] = [];
  const failures: string[] = [];

  log(
    `${flags.smoke ? "smoke run" : "full run"} of ${lanes
      .flat()
      .flatMap((benchmark) => benchmark.rows)
      .join(", ")}`,
  );
  const runLane = async (lane: readonly Benchmark[]): Promise<void> => {
    for (const benchmark of lane) await runOne(benchmark);
  };
  const runOne = async (benchmark: Benchmark): Promise<void> => {
    const name = benchmark.rows.join(" + ");
    const benchmarkStart = performance.now();
    log(`${name}: running`);
    try {
      const produced = await withTimeout(benchmark.run(context), timeoutMs, name);
      for (const row of produced) {
        const invalid = invalidFigures(row);
        if (invalid.length > 0) failures.push(`${row.name}: non-finite ${invalid.join(", ")}`);
        if (!flags.only || flags.only.has(row.name)) rows.push(row);
      }
      log(`${name}: done in ${((performance.now() - benchmarkStart) / 1000).toFixed(1)} s`);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      failures.push(`${name}: ${message}`);
      log(`${name}: FAILED after ${((performance.now() - benchmarkStart) / 1000).toFixed(1)} s\n${message}`);
    }
  };
  await Promise.all(lanes.map(runLane));
  rows.sort((a, b) => ROW_ORDER.indexOf(a.name as never) - ROW_ORDER.indexOf(b.name as never));
  const durationS = Math.round((performance.now() - startedAt) / 100) / 10;

  const json = JSON.stringify({ machine, smoke: flags.smoke, durationS, rows }, null, 2);
  const markdown = [
    formatTable(rows),
    "",
    formatNotes(rows),
    "",
    `${formatMachine(machine)}. Run took ${durationS} s${flags.smoke ? " (smoke: tiny parameters, figures mean nothing)" : ""}.`,
    "",
  ].join("\n");
  await mkdir(RESULTS_DIR, { recursive: true });
  // Only a full run of every row is "latest": the README quotes it.
  const base = flags.smoke ? "smoke" : flags.only ? "partial" : "latest";
  await writeFile(`${RESULTS_DIR}${base}.json`, `${json}\n`);
  await writeFile(`${RESULTS_DIR}${base}.md`, markdown);

  await write(flags.json ? `${JSON.stringify({ machine, smoke: flags.smoke, durationS, rows })}\n` : markdown);
  log(`finished in ${durationS} s; results in bench/results/${base}.{json,md}`);
  if (failures.length > 0) {
    log(`${failures.length} failure(s):\n  ${failures.map((failure) => failure.split("\n")[0]).join("\n  ")}`);
    return 1;
  }
  return 0;
}

const write = (text: string): Promise<void> => new Promise((resolve) => process.stdout.write(text, () => resolve()));

// Exit explicitly: a stopped libp2p node can leave a socket closing for a while, and the run is over.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
