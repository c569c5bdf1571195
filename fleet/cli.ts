#!/usr/bin/env node
/**
 * `waku-fleet --nodes 5 --bootstrap 1 [--json] [--port N] [--cluster-id N] [--shards N]`
 * (in this repo: `npm run fleet -- …`). Starts a loopback Waku fleet and its control API, prints
 * them, runs until SIGINT/SIGTERM.
 */
import "./polyfill.js";
import { parseArgs } from "node:util";
import { startControlApi, type ControlApi } from "./control-api.js";
import { formatNodeTable } from "./format.js";
import { lightNodeOptions } from "./light-node-options.js";
import { startFleet } from "./supervisor.js";
import type { Fleet, FleetOptions } from "./types.js";

const USAGE = `Usage: waku-fleet [options]

Starts a local Waku network (service nodes on 127.0.0.1, one process each) and an HTTP control
API to kill, stop, freeze, thaw, restart nodes and inject faults. Stops on Ctrl-C.

Options:
  --nodes N         number of service nodes (default 3)
  --bootstrap N     how many of them are bootstrap nodes (default 1)
  --cluster-id N    cluster id (default 42)
  --shards N        shards in the cluster, autosharding (default 8)
  --port N          control API port on 127.0.0.1 (default: a free port)
  --json            print JSON lines: one per node, the light node options, then the control API
  -h, --help        show this help`;

class UsageError extends Error {}

interface CliOptions {
  fleet: FleetOptions;
  port: number;
  json: boolean;
}

function parseCli(argv: string[]): CliOptions | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        nodes: { type: "string" },
        bootstrap: { type: "string" },
        "cluster-id": { type: "string" },
        shards: { type: "string" },
        port: { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  if (values.help) return "help";
  const nodes = integer("--nodes", values.nodes, 3, 1, 64);
  return {
    fleet: {
      nodes,
      bootstrap: integer("--bootstrap", values.bootstrap, Math.min(1, nodes), 0, nodes),
      clusterId: integer("--cluster-id", values["cluster-id"], 42, 0, 65_535),
      numShardsInCluster: integer("--shards", values.shards, 8, 1, 1_023),
    },
    port: integer("--port", values.port, 0, 0, 65_535),
    json: values.json,
  };
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

  let shuttingDown = false;
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      if (shuttingDown) {
        // A second Ctrl-C: do not wait; the supervisor's exit handler SIGKILLs the nodes.
        process.exit(130);
      }
      shuttingDown = true;
      resolve(signal);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });

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
    const signal = await stopped;
    if (!options.json) console.error(`\n${signal}: stopping the fleet…`);
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
