/**
 * fleet/node/main.ts as the supervisor runs it: a forked child (through tsx) speaking the
 * IPC protocol of fleet/ipc.ts, and dying with its IPC channel.
 */
import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { proto_metadata } from "@waku/proto";
import { afterEach, describe, expect, it } from "vitest";
import type { ChildMessage, ParentMessage } from "../../fleet/ipc.js";
import { METADATA_CODEC } from "../../fleet/node/metadata.js";
import type { ServiceNode } from "../../fleet/node/service-node.js";
import type { NodeIdentity } from "waku-peers-fleet";
import { CLUSTER_ID, Cleanup, nodeConfig, rawRequest, startRawClient } from "./_fleet-node-harness.js";

const MAIN = fileURLToPath(new URL("../../fleet/node/main.ts", import.meta.url));
const cleanup = new Cleanup();
afterEach(async () => {
  await cleanup.run();
});

interface Child {
  process: ChildProcess;
  messages: ChildMessage[];
  send(message: ParentMessage): void;
  next<T extends ChildMessage["type"]>(type: T, timeoutMs?: number): Promise<Extract<ChildMessage, { type: T }>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function forkNode(): Child {
  const child = fork(MAIN, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const messages: ChildMessage[] = [];
  const waiting = new Set<() => void>();
  child.on("message", (message: ChildMessage) => {
    messages.push(message);
    for (const wake of waiting) wake();
  });
  const exited = once(child, "exit").then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  cleanup.add(child, async (running) => {
    if (running.exitCode === null && running.signalCode === null) {
      running.kill("SIGKILL");
      await exited;
    }
  });
  return {
    process: child,
    messages,
    send: (message) => child.send(message),
    exited,
    next(type, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const index = messages.findIndex((message) => message.type === type);
          if (index === -1) return;
          waiting.delete(check);
          clearTimeout(timer);
          const [found] = messages.splice(index, 1);
          resolve(found as Extract<ChildMessage, { type: typeof type }>);
        };
        const timer = setTimeout(() => {
          waiting.delete(check);
          reject(new Error(`no "${type}" from the child within ${timeoutMs} ms (got ${JSON.stringify(messages)})`));
        }, timeoutMs);
        waiting.add(check);
        check();
      });
    },
  };
}

/** Enough of a ServiceNode for rawRequest, which only dials `identity.multiaddr`. */
function asTarget(identity: NodeIdentity): ServiceNode {
  return { identity } as ServiceNode;
}

describe("fleet node child process", () => {
  it("starts, reports ready, answers stats and set-fault, and exits 0 on stop", async () => {
    const child = forkNode();
    const config = await nodeConfig(0);
    child.send({ type: "start", config });
    const ready = await child.next("ready");
    expect(ready.multiaddr).toMatch(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/${ready.port}/ws/p2p/${ready.peerId}$`));
    expect(ready.enr).toMatch(/^enr:/);

    child.send({ type: "stats", requestId: 1 });
    const stats = await child.next("stats");
    expect(stats).toMatchObject({ requestId: 1, stats: { lightPushReceived: 0, storedMessages: 0 } });

    child.send({ type: "set-fault", fault: { wrongCluster: 5 }, requestId: 2 });
    expect(await child.next("fault-set")).toEqual({ type: "fault-set", requestId: 2 });
    const client = await startRawClient(cleanup);
    const metadata = proto_metadata.WakuMetadataResponse.decode(
      await rawRequest(
        client,
        asTarget(ready),
        METADATA_CODEC,
        proto_metadata.WakuMetadataRequest.encode({ clusterId: CLUSTER_ID, shards: [] }),
      ),
    );
    expect(metadata.clusterId).toBe(5);

    child.send({ type: "stop" });
    expect(await child.exited).toEqual({ code: 0, signal: null });
  });

  it("restarts on the port and key it had, keeping its peer id", async () => {
    const config = await nodeConfig(0);
    const first = forkNode();
    first.send({ type: "start", config });
    const before = await first.next("ready");
    first.send({ type: "stop" });
    await first.exited;

    const second = forkNode();
    second.send({ type: "start", config: { ...config, port: before.port } });
    const after = await second.next("ready");
    expect(after).toEqual(before);
  });

  it("exits when its IPC channel closes", async () => {
    const child = forkNode();
    child.send({ type: "start", config: await nodeConfig(0) });
    await child.next("ready");
    child.process.disconnect();
    expect((await child.exited).code).toBe(0);
  });

  it("reports a failed start with an error message and a non-zero exit", async () => {
    const child = forkNode();
    child.send({ type: "start", config: await nodeConfig(0, { privateKeyHex: "00" }) });
    const error = await child.next("error");
    expect(error.message.length).toBeGreaterThan(0);
    expect((await child.exited).code).toBe(1);
  });
});
