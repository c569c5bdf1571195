/**
 * A stand-in for `@waku/sdk`'s `createLightNode`, installed in a test file with
 *
 *   vi.mock("@waku/sdk", async () => (await import("./_fake-sdk.js")).fakeSdk);
 *
 * Every node it creates wraps a fake libp2p (`test/unit/core/_fake-node.ts`) and records its
 * start/stop calls, so tests can assert how many nodes were created, started, and left running.
 * Like the real one, it writes into the options it is given.
 */
import type { CreateNodeOptions, LightNode } from "@waku/sdk";

import { createFakeNode, type FakeNode } from "../_harness.js";

export interface FakeLightNode {
  /** What the provider sees: the fake libp2p plus `start`/`stop`/`isStarted`. */
  readonly node: LightNode;
  readonly fake: FakeNode;
  /** The options object createLightNode received. */
  readonly options: CreateNodeOptions | undefined;
  readonly startCalls: number;
  readonly stopCalls: number;
  /** Started and not stopped since. */
  readonly running: boolean;
}

type Behaviour = "ok" | { fail: Error } | { failStart: Error } | { until: Promise<void> };

class NodeFactory {
  readonly created: FakeLightNode[] = [];
  #behaviours: Behaviour[] = [];
  /** Runs on every created fake before it is returned (e.g. connect peers). */
  onCreate: ((node: FakeLightNode) => void) | undefined;

  reset(): void {
    this.created.length = 0;
    this.#behaviours = [];
    this.onCreate = undefined;
  }

  /** The next createLightNode call behaves like this (then back to "ok"). */
  next(behaviour: Behaviour): void {
    this.#behaviours.push(behaviour);
  }

  get running(): FakeLightNode[] {
    return this.created.filter((node) => node.running);
  }

  readonly createLightNode = async (options?: CreateNodeOptions): Promise<LightNode> => {
    const behaviour = this.#behaviours.shift() ?? "ok";
    if (typeof behaviour === "object" && "until" in behaviour) await behaviour.until;
    if (typeof behaviour === "object" && "fail" in behaviour) throw behaviour.fail;
    // The real SDK pushes its discovery modules into the caller's libp2p.peerDiscovery.
    if (options?.libp2p) {
      options.libp2p.peerDiscovery = [...(options.libp2p.peerDiscovery ?? []), () => ({}) as never];
    }
    const failStart = typeof behaviour === "object" && "failStart" in behaviour ? behaviour.failStart : undefined;
    const record = fakeLightNode(createFakeNode({ selfId: `self-${this.created.length + 1}` }), options, failStart);
    this.created.push(record);
    this.onCreate?.(record);
    if (options?.autoStart !== false) await record.node.start();
    return record.node;
  };
}

function fakeLightNode(fake: FakeNode, options: CreateNodeOptions | undefined, failStart?: Error): FakeLightNode {
  let startCalls = 0;
  let stopCalls = 0;
  let running = false;
  const node = {
    libp2p: fake.libp2p,
    async start() {
      startCalls++;
      if (failStart) throw failStart;
      running = true;
    },
    async stop() {
      stopCalls++;
      running = false;
    },
    isStarted: () => running,
    // @waku/react waits for peers before handing the node over.
    waitForPeers: async () => {},
  } as unknown as LightNode;
  return {
    node,
    fake,
    options,
    get startCalls() {
      return startCalls;
    },
    get stopCalls() {
      return stopCalls;
    },
    get running() {
      return running;
    },
  };
}

/** Shared by the mock factory and the test that installed it (same module instance). */
export const nodeFactory = new NodeFactory();

export const fakeSdk = { createLightNode: nodeFactory.createLightNode };

/** An app-managed node for the `node` prop: a fake libp2p with start/stop recorded. */
export function createAttachedNode(selfId = "app"): FakeLightNode {
  const record = fakeLightNode(createFakeNode({ selfId }), undefined);
  void record.node.start();
  return record;
}
