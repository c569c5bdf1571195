#!/usr/bin/env node
/**
 * `waku-fleet --nodes 5 --bootstrap 1 [--json] [--port N] [--cluster-id N] [--shards N]
 *   [--ready-timeout MS] [--fault I:SPEC]...` (in this repo: `npm run fleet -- …`).
 * Starts a loopback Waku fleet and its control API, prints them, and runs until SIGINT,
 * SIGTERM or SIGHUP — or until a launcher above it (npm, sh, tsx) goes away, which those
 * wrappers do without passing every signal on (see launcher-watch.ts).
 */
import "./polyfill.js";
import { parseArgs } from "node:util";
import { startControlApi, type ControlApi } from "./control-api.js";
import { formatNodeTable } from "./format.js";
import { watchLaunchers } from "./launcher-watch.js";
import { lightNodeOptions } from "./light-node-options.js";
import { parseFault } from "./parse-fault.js";
import { MAX_READY_TIMEOUT_MS, startFleet } from "./supervisor.js";
import type { Fault, Fleet, FleetOptions } from "./types.js";

const USAGE = `Usage: waku-fleet [options]

Starts a local Waku network (service nodes on 127.0.0.1, one process each) and an HTTP control
API to kill, stop, freeze, thaw, restart nodes and inject faults. Stops on Ctrl-C (SIGINT),
SIGTERM or SIGHUP.

Options:
  --nodes N            number of service nodes (default 3)
  --bootstrap N        how many of them are bootstrap nodes (default 1)
  --cluster-id N       cluster id (default 42)
  --shards N           shards in the cluster, autosharding (default 8)
  --port N             control API port on 127.0.0.1 (default: a free port)
  --ready-timeout MS   how long a node may take to start (default 60000; raise it on a busy machine)
  --fault I:SPEC       start node I with a fault; SPEC is a JSON fault object, or pxFlood /
                       filterSilent for their defaults; repeatable, e.g.
                         --fault 0:pxFlood  --fault '1:{"dropConnection":{"afterRequests":3}}'
                       (change faults at run time with PUT /nodes/I/fault on the control API)
  --json               print JSON lines: one per node, the light node options, then the control API
  -h, --help           show this help`;

/** Fault names a SPEC may use alone, and the fault each stands for. */
const NAMED_FAULTS: Readonly<Record<string, Fault>> = {
  pxFlood: { pxFlood: {} },
  filterSilent: { filterSilent: true },
};

class UsageError extends Error {}

interface CliOptions {
  fleet: FleetOptions;
  port: number;
  json: boolean;
}

/** The flags, parsed strictly: anything unknown or malformed is a usage error. */
function parsedFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        nodes: { type: "string" },
        bootstrap: { type: "string" },
        "cluster-id": { type: "string" },
        shards: { type: "string" },
        port: { type: "string" },
        "ready-timeout": { type: "string" },
        fault: { type: "string", multiple: true, default: [] },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function parseCli(argv: string[]): CliOptions | "help" {
  const { values } = parsedFlags(argv);
  if (values.help) return "help";
  const nodes = integer("--nodes", values.nodes, 3, 1, 64);
  const faults = parseFaultFlags(values.fault, nodes);
  return {
    fleet: {
      nodes,
      bootstrap: integer("--bootstrap", values.bootstrap, Math.min(1, nodes), 0, nodes),
      clusterId: integer("--cluster-id", values["cluster-id"], 42, 0, 65_535),
      numShardsInCluster: integer("--shards", values.shards, 8, 1, 1_023),
      readyTimeoutMs: integer("--ready-timeout", values["ready-timeout"], 60_000, 1, MAX_READY_TIMEOUT_MS),
      ...(faults.size > 0 ? { overrides: Object.fromEntries([...faults].map(([index, fault]) => [index, { fault }])) } : {}),
    },
    port: integer("--port", values.port, 0, 0, 65_535),
    json: values.json,
  };
}

/** `--fault I:SPEC` flags → fault per node index (several flags for one node are merged). */
function parseFaultFlags(flags: readonly string[], nodes: number): Map<number, Fault> {
  const faults = new Map<number, Fault>();
  for (const flag of flags) {
    const colon = flag.indexOf(":");
    if (colon < 0) throw new UsageError(`--fault must look like I:SPEC (e.g. 0:pxFlood), got ${JSON.stringify(flag)}`);
    const index = integer("--fault node index", flag.slice(0, colon), 0, 0, nodes - 1);
    const merged = parseFault({ ...faults.get(index), ...faultSpec(flag.slice(colon + 1)) });
    if (typeof merged === "string") throw new UsageError(`--fault ${flag}: ${merged}`);
    faults.set(index, merged);
  }
  return faults;
}

function faultSpec(spec: string): object {
  const named = NAMED_FAULTS[spec];
  if (named) return named;
  if (!spec.trimStart().startsWith("{")) {
    throw new UsageError(
      `--fault SPEC must be a JSON object or one of ${Object.keys(NAMED_FAULTS).join(", ")}, got ${JSON.stringify(spec)}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(spec);
  } catch {
    throw new UsageError(`--fault SPEC is not valid JSON: ${spec}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    throw new UsageError(`--fault SPEC must be a JSON object, got ${spec}`);
  return parsed;
}

function integer(flag: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag} must be an integer in ${min}..${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/**
 * The control API line comes last, so a script that reads up to it has everything. The light node
 * options are plain JSON: `createLightNode(options)` in a browser app or a test, as they are.
 */
function print(fleet: Fleet, control: ControlApi, json: boolean): void {
  const options = lightNodeOptions(fleet);
  if (json) {
    for (const node of fleet.nodes) console.log(JSON.stringify({ type: "node", ...node }));
    console.log(JSON.stringify({ type: "light-node-options", options }));
    console.log(JSON.stringify({ type: "control-api", url: control.url, token: control.token }));
    return;
  }
  console.log(formatNodeTable(fleet.nodes));
  console.log("");
  console.log(`light node   createLightNode(${JSON.stringify(options)})`);
  console.log(`control API  ${control.url}`);
  console.log(`token        ${control.token}`);
  console.log(`try          curl -H "Authorization: Bearer ${control.token}" ${control.url}/nodes`);
  console.log("");
  console.log("Ctrl-C stops every node.");
}

/** Resolves with the reason to stop: a signal, or the launcher that went away. */
function stopRequested(): Promise<string> {
  return new Promise<string>((resolve) => {
    let requested = false;
    const request = (reason: string) => {
      if (requested) return;
      requested = true;
      resolve(reason);
    };
    const onSignal = (signal: NodeJS.Signals) => {
      if (requested) {
        // A second signal: do not wait; the supervisor's exit handler SIGKILLs the nodes.
        process.exit(130);
      }
      request(signal);
    };
    for (const name of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(name, onSignal);
    watchLaunchers((pid) => request(`launcher process ${pid} exited`));
  });
}

async function main(): Promise<number> {
  let options: CliOptions | "help";
  try {
    options = parseCli(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`waku-fleet: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options === "help") {
    console.log(USAGE);
    return 0;
  }

  const stopped = stopRequested();
  const running: { fleet?: Fleet; control?: ControlApi } = {};
  const starting = (async () => {
    running.fleet = await startFleet(options.fleet);
    running.control = await startControlApi(running.fleet, { port: options.port });
    return { fleet: running.fleet, control: running.control };
  })();
  try {
    const first = await Promise.race([starting, stopped]);
    if (typeof first === "string") {
      // Interrupted while starting: let the start settle, then close what it opened.
      await starting.catch(() => undefined);
      return 0;
    }
    print(first.fleet, first.control, options.json);
    const reason = await stopped;
    if (!options.json) console.error(`\n${reason}: stopping the fleet…`);
    return 0;
  } catch (error) {
    console.error(`waku-fleet: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await running.control?.close();
    await running.fleet?.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
