import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { FleetNodeInfo } from "waku-peers-fleet";
import { TSX_IMPORT, descendants, isAlive, killAll, readLines, waitUntilGone } from "./_fleet-helpers.js";

const CLI = fileURLToPath(new URL("../../fleet/cli.ts", import.meta.url));

function runCli(args: string[]) {
  return spawnSync(process.execPath, [...TSX_IMPORT, CLI, ...args], { encoding: "utf8", timeout: 30_000 });
}

describe("the fleet CLI (waku-fleet, npm run fleet)", () => {
  it("--help prints the usage and exits 0", () => {
    const result = runCli(["--help"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: waku-fleet \[options\]/);
    expect(result.stdout).toContain("--nodes N");
  });

  it("bad flags: a clear error and exit code 2, nothing started", () => {
    for (const [args, message] of [
      [["--nodes", "many"], /--nodes must be an integer in 1\.\.64, got "many"/],
      [["--nodes", "2", "--bootstrap", "3"], /--bootstrap must be an integer in 0\.\.2/],
      [["--frobnicate"], /Unknown option '--frobnicate'/],
      [["--port"], /--port/],
      [["extra"], /positional/i],
    ] as const) {
      const result = runCli([...args]);
      expect(result.status, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain("Usage:");
    }
  });

  it("--json prints a line per node, the light node options and the control API; SIGINT closes everything", async () => {
    const cli = spawn(process.execPath, [...TSX_IMPORT, CLI, "--nodes", "3", "--bootstrap", "1", "--json", "--cluster-id", "7", "--shards", "4"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    cli.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => cli.once("exit", (code) => resolve(code)));
    let children: number[] = [];
    try {
      const nodes: FleetNodeInfo[] = [];
      let nodeOptions: Record<string, unknown> | undefined;
      let control: { url: string; token: string } | undefined;
      const started = performance.now();
      for await (const line of readLines(cli.stdout)) {
        const parsed = JSON.parse(line) as { type: string } & Record<string, unknown>;
        if (parsed.type === "node") nodes.push(parsed as unknown as FleetNodeInfo);
        if (parsed.type === "light-node-options") nodeOptions = parsed.options as Record<string, unknown>;
        if (parsed.type === "control-api") {
          control = parsed as unknown as { url: string; token: string };
          break;
        }
      }
      console.log(`[fleet-cli] 3 nodes and the control API up in ${Math.round(performance.now() - started)} ms`);
      expect(control, stderr).toBeDefined();
      expect(nodes.map((node) => [node.index, node.role, node.state])).toEqual([
        [0, "bootstrap", "running"],
        [1, "service", "running"],
        [2, "service", "running"],
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
});
