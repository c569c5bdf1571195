import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { FleetNodeInfo } from "waku-peers-fleet";
import { TSX_IMPORT, commandLine, descendants, isAlive, killAll, readLines, waitUntilGone } from "./_fleet-helpers.js";

const CLI = fileURLToPath(new URL("../../fleet/cli.ts", import.meta.url));
const REPO = fileURLToPath(new URL("../..", import.meta.url));

/** Lines of JSON up to the control API's, from a CLI started with --json. */
async function readStartup(stdout: NodeJS.ReadableStream): Promise<{
  nodes: FleetNodeInfo[];
  nodeOptions: Record<string, unknown> | undefined;
  control: { url: string; token: string } | undefined;
}> {
  const nodes: FleetNodeInfo[] = [];
  let nodeOptions: Record<string, unknown> | undefined;
  for await (const line of readLines(stdout)) {
    const parsed = JSON.parse(line) as { type: string } & Record<string, unknown>;
    if (parsed.type === "node") nodes.push(parsed as unknown as FleetNodeInfo);
    if (parsed.type === "light-node-options") nodeOptions = parsed.options as Record<string, unknown>;
    if (parsed.type === "control-api")
      return { nodes, nodeOptions, control: parsed as unknown as { url: string; token: string } };
  }
  return { nodes, nodeOptions, control: undefined };
}

function runCli(args: string[]) {
  return spawnSync(process.execPath, [...TSX_IMPORT, CLI, ...args], { encoding: "utf8", timeout: 60_000 });
}

/** The CLI run to its end without blocking this process, so several can run at once. */
function runCliAsync(args: readonly string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const cli = spawn(process.execPath, [...TSX_IMPORT, CLI, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    cli.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    cli.once("close", (status) => resolve({ status, stderr }));
  });
}

describe("the fleet CLI (waku-fleet, npm run fleet)", () => {
  it("--help prints the usage and exits 0", () => {
    const result = runCli(["--help"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: waku-fleet \[options\]/);
    expect(result.stdout).toContain("--nodes N");
  });

  it("bad flags: a clear error and exit code 2, nothing started", { timeout: 180_000 }, async () => {
    const cases = [
      [["--nodes", "many"], /--nodes must be an integer in 1\.\.64, got "many"/],
      [["--nodes", "2", "--bootstrap", "3"], /--bootstrap must be an integer in 0\.\.2/],
      [["--frobnicate"], /Unknown option '--frobnicate'/],
      [["--port"], /--port/],
      [["extra"], /positional/i],
      [["--ready-timeout", "0"], /--ready-timeout must be an integer in 1\.\.600000, got "0"/],
      [["--fault", "3:pxFlood"], /--fault node index must be an integer in 0\.\.2, got "3"/],
      [["--fault", "pxFlood"], /--fault must look like I:SPEC/],
      [["--fault", "1:nope"], /--fault SPEC must be a JSON object or one of pxFlood, filterSilent/],
      [["--fault", '1:{"pxFlood":{"records":0}}'], /pxFlood\.records must be an integer in 1\.\.20000/],
      [["--fault", "1:[1]"], /--fault SPEC must be a JSON object/],
    ] as const;
    // Each run compiles the CLI through tsx first: run them side by side.
    const results = await Promise.all(cases.map(([args]) => runCliAsync(args)));
    cases.forEach(([args, message], index) => {
      const result = results[index]!;
      expect(result.status, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain("Usage:");
    });
  });

  it("--json: a line per node, light node options, control API; --fault/--ready-timeout apply; SIGINT closes all", async () => {
    const cli = spawn(
      process.execPath,
      [
        ...TSX_IMPORT,
        CLI,
        ...["--nodes", "3", "--bootstrap", "1", "--json", "--cluster-id", "7", "--shards", "4", "--ready-timeout", "120000"],
        ...["--fault", "1:pxFlood", "--fault", '1:{"latencyMs":5}', "--fault", '2:{"dropConnection":{"afterRequests":3}}'],
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    cli.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => cli.once("exit", (code) => resolve(code)));
    let children: number[] = [];
    try {
      const started = performance.now();
      const { nodes, nodeOptions, control } = await readStartup(cli.stdout);
      console.log(`[fleet-cli] 3 nodes and the control API up in ${Math.round(performance.now() - started)} ms`);
      expect(control, stderr).toBeDefined();
      expect(nodes.map((node) => [node.index, node.role, node.state])).toEqual([
        [0, "bootstrap", "running"],
        [1, "service", "running"],
        [2, "service", "running"],
      ]);
      expect(nodes.map((node) => node.fault)).toEqual([
        {},
        { pxFlood: {}, latencyMs: 5 },
        { dropConnection: { afterRequests: 3 } },
      ]);
      expect(control!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(nodeOptions).toEqual({
        defaultBootstrap: false,
        discovery: { dns: false, peerExchange: true, peerCache: false },
        bootstrapPeers: [nodes[0]!.multiaddr],
        networkConfig: { clusterId: 7, numShardsInCluster: 4 },
        libp2p: { filterMultiaddrs: false, hideWebSocketInfo: true },
      });

      const response = await fetch(`${control!.url}/nodes`, { headers: { Authorization: `Bearer ${control!.token}` } });
      expect(await response.json()).toMatchObject({ clusterId: 7, numShardsInCluster: 4 });

      children = descendants(cli.pid!);
      expect(children.length).toBeGreaterThanOrEqual(3);

      const stopping = performance.now();
      cli.kill("SIGINT");
      expect(await exited).toBe(0);
      console.log(`[fleet-cli] SIGINT → exit 0 in ${Math.round(performance.now() - stopping)} ms`);
      await waitUntilGone(children, 3_000);
      expect(children.filter(isAlive)).toEqual([]);
    } finally {
      cli.kill("SIGKILL");
      killAll(children);
    }
  });

  // npm forwards only SIGINT and SIGTERM, and only to `sh`, which dies of it without passing it
  // on; SIGHUP it forwards to nobody. The CLI notices its launchers go (fleet/launcher-watch.ts).
  for (const signal of ["SIGTERM", "SIGHUP"] as const) {
    it(`${signal} to \`npm run fleet\` leaves no process behind, the watchdog included`, { timeout: 180_000 }, async () => {
      // Its own process group, so the cleanup below can reach every process it started.
      const npm = spawn("npm", ["run", "-s", "fleet", "--", "--json", "--nodes", "2"], {
        cwd: REPO,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      npm.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      let tree: number[] = [];
      try {
        const { control } = await readStartup(npm.stdout);
        expect(control, stderr).toBeDefined();
        tree = [npm.pid!, ...descendants(npm.pid!)];
        const commands = tree.map(commandLine);
        expect(commands.filter((command) => command.includes("fleet/node/main"))).toHaveLength(2);
        expect(commands.some((command) => command.includes("waku-fleet-watchdog"))).toBe(true);

        const sent = performance.now();
        process.kill(npm.pid!, signal);
        const took = await waitUntilGone(tree, 30_000);
        console.log(
          `[fleet-cli] ${signal} to npm run fleet: ` +
            `all ${tree.length} processes gone after ${Math.round(took)} ms (${Math.round(performance.now() - sent)} ms)`,
        );
      } finally {
        try {
          process.kill(-npm.pid!, "SIGKILL");
        } catch {
          // The group is gone already.
        }
        killAll(tree);
      }
    });
  }
});
