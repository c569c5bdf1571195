import { spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FleetError, fleetProcessIds, startFleet } from "waku-peers-fleet";
import type { Fleet } from "waku-peers-fleet";
import { TSX_IMPORT, descendants, isAlive, killAll, processState, readLines, waitUntilGone } from "./_fleet-helpers.js";

const FAKE_NODE = new URL("./_fleet-fake-node.ts", import.meta.url);
const PARENT_SCRIPT = fileURLToPath(new URL("./_fleet-parent.ts", import.meta.url));

function allPids(fleet: Fleet): number[] {
  const { nodes, watchdog } = fleetProcessIds(fleet);
  return [...nodes, watchdog].filter((pid): pid is number => pid !== undefined);
}

describe("a fleet of three service nodes", () => {
  let fleet: Fleet;
  let pids: number[] = [];

  beforeAll(async () => {
    const started = performance.now();
    fleet = await startFleet({ nodes: 3, bootstrap: 1 });
    console.log(`[fleet-supervisor] 3 nodes ready in ${Math.round(performance.now() - started)} ms`);
    pids = allPids(fleet);
  });

  afterAll(async () => {
    await fleet?.close();
    killAll(pids);
  });

  it("starts every node with its own identity, one process each", () => {
    const nodes = fleet.nodes;
    expect(nodes.map((node) => [node.index, node.role, node.state])).toEqual([
      [0, "bootstrap", "running"],
      [1, "service", "running"],
      [2, "service", "running"],
    ]);
    expect(new Set(nodes.map((node) => node.peerId)).size).toBe(3);
    for (const node of nodes) {
      expect(node.peerId).toMatch(/^16Uiu2/);
      expect(node.port).toBeGreaterThan(0);
      expect(node.multiaddr).toBe(`/ip4/127.0.0.1/tcp/${node.port}/ws/p2p/${node.peerId}`);
      expect(node.enr).toMatch(/^enr:/);
    }
    const { nodes: nodePids, watchdog } = fleetProcessIds(fleet);
    expect(new Set(nodePids).size).toBe(3);
    expect(nodePids.every((pid) => pid !== undefined && isAlive(pid))).toBe(true);
    expect(watchdog !== undefined && isAlive(watchdog)).toBe(true);
  });

  it("kill ends the process at once; restart brings back the same peer id on the same port", async () => {
    const before = fleet.nodes[1]!;
    const pid = fleetProcessIds(fleet).nodes[1]!;

    let started = performance.now();
    await fleet.kill(1);
    console.log(`[fleet-supervisor] kill: process gone after ${Math.round(performance.now() - started)} ms`);
    expect(isAlive(pid)).toBe(false);
    expect(fleet.nodes[1]!.state).toBe("killed");
    expect(fleetProcessIds(fleet).nodes[1]).toBeUndefined();

    started = performance.now();
    await fleet.restart(1);
    console.log(`[fleet-supervisor] restart after kill: ready in ${Math.round(performance.now() - started)} ms`);
    const after = fleet.nodes[1]!;
    expect(after.state).toBe("running");
    expect(after.peerId).toBe(before.peerId);
    expect(after.port).toBe(before.port);
    expect(after.multiaddr).toBe(before.multiaddr);
    const newPid = fleetProcessIds(fleet).nodes[1]!;
    expect(newPid).not.toBe(pid);
    pids.push(newPid);
  });

  it("stop is graceful: the node exits by itself, well before the SIGKILL fallback", async () => {
    const pid = fleetProcessIds(fleet).nodes[2]!;
    const started = performance.now();
    await fleet.stop(2);
    const took = performance.now() - started;
    console.log(`[fleet-supervisor] graceful stop took ${Math.round(took)} ms`);
    expect(took).toBeLessThan(4_000);
    expect(isAlive(pid)).toBe(false);
    expect(fleet.nodes[2]!.state).toBe("stopped");
    // Stopping a stopped node is a no-op.
    await fleet.stop(2);
    await fleet.restart(2);
    expect(fleet.nodes[2]!.state).toBe("running");
    pids.push(fleetProcessIds(fleet).nodes[2]!);
  });

  it("freeze stops the process without ending it; thaw resumes it", async () => {
    const pid = fleetProcessIds(fleet).nodes[1]!;
    await fleet.freeze(1);
    expect(fleet.nodes[1]!.state).toBe("frozen");
    expect(processState(pid)).toBe("T");
    await expect(fleet.stats(1)).rejects.toMatchObject({ code: "NOT_RUNNING" });

    await fleet.thaw(1);
    expect(fleet.nodes[1]!.state).toBe("running");
    expect(processState(pid)).not.toBe("T");
    expect((await fleet.stats(1)).connectedPeers).toBeInstanceOf(Array);
  });

  it("restart of a frozen node replaces the process and keeps the identity", async () => {
    const before = fleet.nodes[1]!;
    const pid = fleetProcessIds(fleet).nodes[1]!;
    await fleet.freeze(1);
    await fleet.restart(1);
    expect(isAlive(pid)).toBe(false);
    expect(fleet.nodes[1]).toMatchObject({ state: "running", peerId: before.peerId, port: before.port });
    pids.push(fleetProcessIds(fleet).nodes[1]!);
  });

  it("stop and kill work on a frozen node too", async () => {
    await fleet.freeze(1);
    let pid = fleetProcessIds(fleet).nodes[1]!;
    const started = performance.now();
    await fleet.stop(1);
    console.log(`[fleet-supervisor] graceful stop of a frozen node took ${Math.round(performance.now() - started)} ms`);
    expect(isAlive(pid)).toBe(false);
    expect(fleet.nodes[1]!.state).toBe("stopped");

    await fleet.restart(1);
    await fleet.freeze(1);
    pid = fleetProcessIds(fleet).nodes[1]!;
    await fleet.kill(1);
    expect(isAlive(pid)).toBe(false);
    expect(fleet.nodes[1]!.state).toBe("killed");
    await fleet.restart(1);
    pids.push(fleetProcessIds(fleet).nodes[1]!);
  });

  it("a node that dies on its own shows as killed and can be restarted", async () => {
    const pid = fleetProcessIds(fleet).nodes[0]!;
    process.kill(pid, "SIGKILL");
    await waitUntilGone([pid], 2_000);
    await expect.poll(() => fleet.nodes[0]!.state).toBe("killed");
    await fleet.restart(0);
    expect(fleet.nodes[0]!.state).toBe("running");
    pids.push(fleetProcessIds(fleet).nodes[0]!);
  });

  it("faults are set, shown, cleared, and survive a restart", async () => {
    await fleet.setFault(0, { lightPushStatus: 503, latencyMs: 5 });
    expect(fleet.nodes[0]!.fault).toEqual({ lightPushStatus: 503, latencyMs: 5 });
    await fleet.kill(0);
    await fleet.restart(0);
    expect(fleet.nodes[0]!.fault).toEqual({ lightPushStatus: 503, latencyMs: 5 });
    pids.push(fleetProcessIds(fleet).nodes[0]!);
    await fleet.setFault(0, {});
    expect(fleet.nodes[0]!.fault).toEqual({});
  });

  it("stats answers with the node's counters", async () => {
    const stats = await fleet.stats(0);
    expect(Object.keys(stats).sort()).toEqual(
      [
        "connectedPeers",
        "filterPushes",
        "filterSubscriptions",
        "lightPushReceived",
        "lightPushRejected",
        "peerExchangeQueries",
        "relayReceived",
        "storeQueries",
        "storedMessages",
        "storedBytes",
        "peerExchangeRecordsSent",
        "tarpitConnections",
        "connectionsDropped",
        "streamsRefused",
        "idleStreamsReset",
        "malformedRequests",
      ].sort(),
    );
  });

  it("rejects an unknown node index with NO_SUCH_NODE", async () => {
    await expect(fleet.kill(3)).rejects.toMatchObject({ code: "NO_SUCH_NODE" });
    await expect(fleet.stats(-1)).rejects.toBeInstanceOf(FleetError);
    await expect(fleet.freeze(1.5)).rejects.toMatchObject({ code: "NO_SUCH_NODE" });
  });

  it("a restart onto a port that was taken meanwhile fails naming the node, and leaves nothing running", async () => {
    const { port } = fleet.nodes[2]!;
    await fleet.kill(2);
    // Connections the other nodes make to the old address are dropped, so close() cannot hang on them.
    const squatter: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen({ host: "127.0.0.1", port }, resolve));
    try {
      const error = await fleet.restart(2).then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(FleetError);
      expect((error as FleetError).code).toBe("START_FAILED");
      expect((error as Error).message).toMatch(/^fleet node 2 failed to start: /);
      console.log(`[fleet-supervisor] restart on a taken port: ${(error as Error).message.split("\n")[0]}`);
      expect(fleet.nodes[2]!.state).toBe("killed");
      expect(fleetProcessIds(fleet).nodes[2]).toBeUndefined();
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
    await fleet.restart(2);
    expect(fleet.nodes[2]).toMatchObject({ state: "running", port });
    pids.push(fleetProcessIds(fleet).nodes[2]!);
  });

  it("close stops every process, the watchdog included, and is idempotent", async () => {
    await fleet.freeze(1);
    const live = allPids(fleet);
    expect(live).toHaveLength(4);
    await Promise.all([fleet.close(), fleet.close()]);
    for (const pid of live) expect(isAlive(pid)).toBe(false);
    expect(fleet.nodes.map((node) => node.state)).toEqual(["killed", "killed", "killed"]);
    await fleet.close();
    await expect(fleet.restart(0)).rejects.toMatchObject({ code: "CLOSED" });
    expect(descendants(process.pid).filter(isAlive)).toEqual([]);
  });
});

describe("a node that cannot start", () => {
  let leftovers: number[] = [];
  afterEach(() => killAll(leftovers));

  it("crashing before ready: the error names the node and quotes its output", async () => {
    const error = await startFleet({ nodes: 2 }, { entry: FAKE_NODE, env: { ...process.env, FAKE_NODE_MODE: "crash" } }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    leftovers = descendants(process.pid);
    expect(error).toBeInstanceOf(FleetError);
    expect((error as Error).message).toMatch(/^fleet node [01] failed to start: the process exited \(code 3\)/);
    expect((error as Error).message).toContain("fake node: crashing on purpose");
    expect(leftovers.filter(isAlive)).toEqual([]);
  });

  it("reporting an error: the error carries the node's message", async () => {
    await expect(
      startFleet({ nodes: 1 }, { entry: FAKE_NODE, env: { ...process.env, FAKE_NODE_MODE: "error" } }),
    ).rejects.toThrow(/^fleet node 0 failed to start: fake node: refusing to start/);
    leftovers = descendants(process.pid);
    expect(leftovers.filter(isAlive)).toEqual([]);
  });

  it("never answering: the ready timeout ends it, says how far the node got and how to wait longer", {
    timeout: 120_000,
  }, async () => {
    // Never says "loaded": the message can only name the first stage, however fast the machine.
    const neverLoaded = await startFleet(
      { nodes: 1, readyTimeoutMs: 300 },
      { entry: FAKE_NODE, env: { ...process.env, FAKE_NODE_MODE: "mute" } },
    ).then(
      () => undefined,
      (reason: unknown) => reason as Error,
    );
    leftovers = descendants(process.pid);
    console.log(`[fleet-supervisor] ready timeout: ${neverLoaded?.message.split("\n")[0]}`);
    expect(neverLoaded?.message).toMatch(
      new RegExp(
        /^fleet node 0 failed to start: no ready message within 300 ms /.source +
          /\(its code had not even finished loading; load average [\d.]+ on \d+ cores\)\. /.source +
          /On a busy machine give it longer: startFleet\(\{ readyTimeoutMs: 60000 \}\) or npm run fleet -- --ready-timeout 60000/
            .source,
      ),
    );
    expect(leftovers.filter(isAlive)).toEqual([]);

    // Loads, then never answers: a ceiling far above the fake node's load time, measured now (a
    // fake node that loads and refuses at once), since beside busy loops loading takes seconds.
    const measuring = performance.now();
    await startFleet({ nodes: 1 }, { entry: FAKE_NODE, env: { ...process.env, FAKE_NODE_MODE: "error" } }).catch(() => {});
    const ceilingMs = Math.min(40_000, Math.max(8_000, Math.ceil(4 * (performance.now() - measuring))));
    const loadedButSilent = await startFleet(
      { nodes: 1, readyTimeoutMs: ceilingMs },
      { entry: FAKE_NODE, env: { ...process.env, FAKE_NODE_MODE: "silent" } },
    ).then(
      () => undefined,
      (reason: unknown) => reason as Error,
    );
    expect(loadedButSilent?.message).toMatch(
      new RegExp(`no ready message within ${ceilingMs} ms \\(its code loaded after \\d+ ms, then it did not start listening; `),
    );
    leftovers = descendants(process.pid);
    expect(leftovers.filter(isAlive)).toEqual([]);
  });

  it("invalid options are refused before any process starts", async () => {
    await expect(startFleet({ nodes: 0 })).rejects.toMatchObject({ code: "INVALID_OPTIONS" });
    await expect(startFleet({ nodes: 2, bootstrap: 3 })).rejects.toMatchObject({ code: "INVALID_OPTIONS" });
    await expect(startFleet({ nodes: 2, overrides: { 5: { role: "service" } } })).rejects.toMatchObject({
      code: "INVALID_OPTIONS",
    });
    await expect(startFleet({ readyTimeoutMs: 0 })).rejects.toMatchObject({ code: "INVALID_OPTIONS" });
    await expect(startFleet({ limits: { maxStreamsPerPeer: 0 } })).rejects.toThrow(
      /limits\.maxStreamsPerPeer must be an integer in 1\.\./,
    );
    await expect(startFleet({ limits: { idle: 5 } as never })).rejects.toThrow(/limits: unknown limit "idle"/);
    await expect(startFleet({ overrides: { 1: { limits: { storeMaxBytes: 1.5 } } } })).rejects.toThrow(
      /overrides\[1\]\.limits\.storeMaxBytes/,
    );
    await expect(startFleet({ overrides: { 1: { fault: { pxFlood: { records: -1 } } } } })).rejects.toThrow(
      /overrides\[1\]\.fault: pxFlood\.records must be an integer/,
    );
    expect(descendants(process.pid).filter(isAlive)).toEqual([]);
  });
});

describe("lifecycle operations queue per node, bounded and abortable", () => {
  let fleet: Fleet | undefined;
  afterEach(async () => {
    await fleet?.close();
  });

  it("refuses operations beyond the bound with BUSY and drops aborted ones before they run", async () => {
    fleet = await startFleet({ nodes: 1 }, { entry: FAKE_NODE });
    const settle = (run: Promise<void>) =>
      run.then(
        () => "ran",
        (error: FleetError) => error.code,
      );
    const aborted = new AbortController();
    // The restart keeps the node busy for a while: everything after it waits in the queue.
    const outcomes = [
      settle(fleet.restart(0)),
      settle(fleet.thaw(0)),
      settle(fleet.kill(0, { signal: aborted.signal })),
      settle(fleet.thaw(0)),
      settle(fleet.thaw(0)),
      settle(fleet.thaw(0)),
      settle(fleet.kill(0)),
    ];
    aborted.abort(new Error("changed my mind"));
    expect(await Promise.all(outcomes)).toEqual(["ran", "ran", "ABORTED", "ran", "ran", "BUSY", "BUSY"]);
    // Neither the aborted kill nor the refused one ran.
    expect(fleet.nodes[0]!.state).toBe("running");

    // Once the queue drained there is room again; an already aborted signal never queues.
    expect(await settle(fleet.thaw(0))).toBe("ran");
    expect(await settle(fleet.kill(0, { signal: AbortSignal.abort() }))).toBe("ABORTED");
    expect(fleet.nodes[0]!.state).toBe("running");
    await expect(fleet.setFault(0, { latencyMs: -1 })).rejects.toMatchObject({ code: "INVALID_OPTIONS" });
  });
});

describe("children die with their parent", () => {
  async function startParent(args: string[]) {
    const parent = spawn(process.execPath, [...TSX_IMPORT, PARENT_SCRIPT, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    parent.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<void>((resolve) => parent.once("exit", () => resolve()));
    for await (const line of readLines(parent.stdout)) {
      if (!line.startsWith("{")) continue;
      const report = JSON.parse(line) as { nodes: number[]; watchdog: number; states: string[] };
      return { parent, exited, report, all: [...report.nodes, report.watchdog] };
    }
    throw new Error(`the parent script ended without a report: ${stderr}`);
  }

  for (const frozen of [false, true]) {
    it(`a SIGKILLed parent leaves no node behind${frozen ? ", a frozen one included" : ""}`, async () => {
      const { parent, exited, report, all } = await startParent(["--nodes", "2", ...(frozen ? ["--freeze", "1"] : [])]);
      try {
        expect(report.states).toEqual(frozen ? ["running", "frozen"] : ["running", "running"]);
        if (frozen) expect(processState(report.nodes[1]!)).toBe("T");
        expect(all.every(isAlive)).toBe(true);
        parent.kill("SIGKILL");
        await exited;
        const took = await waitUntilGone(all, 5_000);
        console.log(
          `[fleet-supervisor] parent SIGKILLed${frozen ? " (one node frozen)" : ""}: ` +
            `all children gone after ${Math.round(took)} ms`,
        );
      } finally {
        parent.kill("SIGKILL");
        killAll(all);
      }
    });
  }

  it("a parent that ends on SIGTERM (nobody else listening) takes its nodes along, a frozen one included", async () => {
    const { parent, exited, all } = await startParent(["--nodes", "2", "--freeze", "0"]);
    try {
      parent.kill("SIGTERM");
      await exited;
      expect(parent.signalCode).toBe("SIGTERM");
      const took = await waitUntilGone(all, 5_000);
      console.log(`[fleet-supervisor] parent SIGTERMed: all children gone after ${Math.round(took)} ms`);
    } finally {
      parent.kill("SIGKILL");
      killAll(all);
    }
  });
});
