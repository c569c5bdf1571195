/**
 * Event-loop stalls, and who caused them. A 10 ms interval timer finds every gap longer than
 * the threshold; the V8 sampling profiler (node:inspector, 1 ms samples) says what ran during
 * it. A sample counts for waku-peers when a frame of this repository's `src/` is on its stack
 * (so the SDK code we call, e.g. a signature check we chose to make, counts as ours; SDK code
 * that runs on its own does not). Process CPU time per gap tells a busy loop (CPU ≈ the gap)
 * from a process the loaded machine did not schedule (CPU ≪ the gap).
 *
 *   const monitor = await startStallMonitor();
 *   ...
 *   const report = await monitor.stop(); // report.stalls, report.longestOursMs
 */
import { Session } from "node:inspector/promises";
import { fileURLToPath } from "node:url";

const SRC_DIR = fileURLToPath(new URL("../../src/", import.meta.url));

export interface Stall {
  /** Seconds since the monitor started. */
  atS: number;
  durationMs: number;
  /** Process CPU (all threads, GC included) during the gap. */
  cpuMs: number;
  /** Sampled time with a waku-peers frame on the stack. */
  oursMs: number;
  /** Sampled time by the package of the running function (top 4). */
  byPackage: Record<string, number>;
}

export interface StallReport {
  stalls: Stall[];
  /** The longest gap seen, whatever its length. */
  maxGapMs: number;
  /** The longest run of consecutive samples with a waku-peers frame on the stack: our longest synchronous stretch. */
  longestOursMs: number;
  /** Sampled time with a waku-peers frame on the stack, over the whole window. */
  totalOursMs: number;
}

export interface StallMonitor {
  stop(): Promise<StallReport>;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

export async function startStallMonitor(thresholdMs = 200): Promise<StallMonitor> {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 1_000 });
  await session.post("Profiler.start");
  const startedUs = nowUs();
  const gaps: { fromUs: number; toUs: number; cpuMs: number }[] = [];
  let maxGapMs = 0;
  let lastUs = nowUs();
  let lastCpu = process.cpuUsage();
  const timer = setInterval(() => {
    const now = nowUs();
    const gapMs = (now - lastUs) / 1000 - 10;
    maxGapMs = Math.max(maxGapMs, gapMs);
    if (gapMs > thresholdMs) {
      const cpu = process.cpuUsage(lastCpu);
      gaps.push({ fromUs: lastUs, toUs: now, cpuMs: (cpu.user + cpu.system) / 1000 });
    }
    lastUs = now;
    lastCpu = process.cpuUsage();
  }, 10);
  return {
    async stop() {
      clearInterval(timer);
      const { profile } = (await session.post("Profiler.stop")) as { profile: Profile };
      await session.post("Profiler.disable");
      session.disconnect();
      return analyse(profile, gaps, startedUs, maxGapMs);
    },
  };
}

function analyse(
  profile: Profile,
  gaps: { fromUs: number; toUs: number; cpuMs: number }[],
  startedUs: number,
  maxGapMs: number,
): StallReport {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const ours = new Map<number, boolean>();
  const isOurs = (id: number): boolean => {
    const known = ours.get(id);
    if (known !== undefined) return known;
    const node = nodes.get(id);
    const parent = parents.get(id);
    const value = (node?.callFrame.url.includes(SRC_DIR) ?? false) || (parent !== undefined && isOurs(parent));
    ours.set(id, value);
    return value;
  };
  const stalls: Stall[] = gaps.map((gap) => ({
    atS: Math.round((gap.fromUs - startedUs) / 1e4) / 100,
    durationMs: Math.round((gap.toUs - gap.fromUs) / 1000),
    cpuMs: Math.round(gap.cpuMs),
    oursMs: 0,
    byPackage: {},
  }));
  let at = profile.startTime;
  let run = 0;
  let longestOurs = 0;
  let totalOurs = 0;
  for (let index = 0; index < profile.samples.length; index++) {
    at += profile.timeDeltas[index] ?? 0;
    const id = profile.samples[index] as number;
    const width = (profile.timeDeltas[index + 1] ?? 1_000) / 1000;
    const mine = isOurs(id);
    run = mine ? run + width : 0;
    longestOurs = Math.max(longestOurs, run);
    if (mine) totalOurs += width;
    const gapIndex = gaps.findIndex((gap) => at >= gap.fromUs && at <= gap.toUs);
    if (gapIndex < 0) continue;
    const stall = stalls[gapIndex] as Stall;
    if (mine) stall.oursMs += width;
    const name = packageOf(nodes.get(id)?.callFrame.url ?? "", nodes.get(id)?.callFrame.functionName ?? "");
    stall.byPackage[name] = (stall.byPackage[name] ?? 0) + width;
  }
  for (const stall of stalls) {
    stall.oursMs = Math.round(stall.oursMs);
    stall.byPackage = Object.fromEntries(
      Object.entries(stall.byPackage)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 4)
        .map(([name, ms]) => [name, Math.round(ms)]),
    );
  }
  return { stalls, maxGapMs: Math.round(maxGapMs), longestOursMs: Math.round(longestOurs), totalOursMs: Math.round(totalOurs) };
}

function packageOf(url: string, functionName: string): string {
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (module !== null) return module[1] as string;
  if (url.includes(SRC_DIR)) return "waku-peers";
  if (url.startsWith("node:")) return "node";
  return functionName.startsWith("(") ? functionName : url === "" ? "(native)" : "other";
}
