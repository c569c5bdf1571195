// A real @waku/sdk 0.0.36 light node against a local fleet: the "Done when" of the fleet issue.
// Figures printed with [fleet-sdk] are measured here, on loopback, on a shared 2-core machine.
import type { Connection, PeerId } from "@libp2p/interface";
import { proto_lightpush } from "@waku/proto";
import {
  LightPushError,
  Protocols,
  bytesToUtf8,
  createLightNode,
  utf8ToBytes,
  type CreateNodeOptions,
  type IDecodedMessage,
  type IDecoder,
  type LightNode,
} from "@waku/sdk";
import { decodeRelayShard } from "@waku/utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lightNodeOptions } from "waku-peers-fleet";
import { readFrame, writeFrame } from "../../fleet/node/frames.js";
import { startFleet } from "waku-peers-fleet";
import type { Fleet, NodeStats } from "waku-peers-fleet";

const LIGHT_PUSH_V3 = "/vac/waku/lightpush/3.0.0";
const FILTER = "/vac/waku/filter-subscribe/2.0.0-beta1";
const STORE = "/vac/waku/store-query/3.0.0";

let fleet: Fleet;
const clients: LightNode[] = [];

beforeAll(async () => {
  const started = performance.now();
  fleet = await startFleet({ nodes: 4, bootstrap: 1 });
  console.log(`[fleet-sdk] 4 nodes ready in ${Math.round(performance.now() - started)} ms`);
});

afterAll(async () => {
  await Promise.allSettled(clients.map((client) => client.stop()));
  await fleet?.close();
});

let topicCounter = 0;
function contentTopic(name: string): string {
  return `/waku-peers-test/1/${name}-${process.pid}-${++topicCounter}/proto`;
}

async function newClient(extra: CreateNodeOptions = {}): Promise<LightNode> {
  const client = await createLightNode(lightNodeOptions(fleet, extra));
  clients.push(client);
  return client;
}

async function stopClient(client: LightNode): Promise<void> {
  await client.stop();
  clients.splice(clients.indexOf(client), 1);
}

/** A client that knows exactly one fleet node (no peer exchange), so a test knows which node serves it. */
async function pinnedClient(index: number, extra: CreateNodeOptions = {}): Promise<LightNode> {
  const client = await newClient({
    bootstrapPeers: [fleet.nodes[index]!.multiaddr],
    discovery: { dns: false, peerExchange: false, peerCache: false },
    ...extra,
  });
  await until(
    client,
    () => serves(client, fleet.nodes[index]!.peerId, [LIGHT_PUSH_V3, FILTER, STORE]),
    20_000,
    `node ${index} identified`,
  );
  return client;
}

const WATCHED_EVENTS = ["peer:connect", "peer:disconnect", "peer:identify", "peer:update", "connection:close"] as const;

/**
 * Resolves with the time it took once `check` holds; re-checks on every libp2p peer event
 * (no polling), rejects naming `what` after `timeoutMs`.
 */
async function until(
  client: LightNode,
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<number> {
  const started = performance.now();
  if (await check()) return 0;
  return new Promise<number>((resolve, reject) => {
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      for (const name of WATCHED_EVENTS) client.libp2p.removeEventListener(name, onEvent);
      if (error) reject(error);
      else resolve(performance.now() - started);
    };
    const onEvent = () => {
      void Promise.resolve(check()).then(
        (ok) => ok && finish(),
        (error: unknown) => finish(error instanceof Error ? error : new Error(String(error))),
      );
    };
    const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`)), timeoutMs);
    for (const name of WATCHED_EVENTS) client.libp2p.addEventListener(name, onEvent);
  });
}

function connectionTo(client: LightNode, peerId: string): Connection | undefined {
  return client.libp2p
    .getConnections()
    .find((connection) => connection.remotePeer.toString() === peerId && connection.status === "open");
}

async function serves(client: LightNode, peerId: string, codecs: string[]): Promise<boolean> {
  const connection = connectionTo(client, peerId);
  if (!connection) return false;
  const peer = await client.libp2p.peerStore.get(connection.remotePeer);
  return codecs.every((codec) => peer.protocols.includes(codec));
}

/** Messages a filter subscription received, with a way to wait for the next ones. */
async function subscribe(client: LightNode, decoder: IDecoder<IDecodedMessage>) {
  const messages: IDecodedMessage[] = [];
  const waiters = new Set<() => void>();
  const subscribed = await client.filter!.subscribe(decoder, (message) => {
    messages.push(message);
    for (const wake of waiters) wake();
  });
  expect(subscribed).toBe(true);
  return {
    messages,
    payloads: () => messages.map((message) => bytesToUtf8(message.payload)),
    /** Resolves once `count` messages arrived in total. */
    waitFor(count: number, timeoutMs = 10_000): Promise<void> {
      if (messages.length >= count) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const wake = () => {
          if (messages.length < count) return;
          waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`filter: ${messages.length} of ${count} messages after ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(wake);
      });
    },
  };
}

/** Counters live in another process: there is no event to wait on, so this polls `stats`. */
async function statsUntil(index: number, check: (stats: NodeStats) => boolean, timeoutMs = 10_000): Promise<NodeStats> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const stats = await fleet.stats(index);
    if (check(stats)) return stats;
    if (performance.now() > deadline) throw new Error(`node ${index} stats never matched: ${JSON.stringify(stats)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function disconnectOf(client: LightNode, peerId: string): Promise<number> {
  return new Promise((resolve) => {
    const onDisconnect = (event: CustomEvent<PeerId>) => {
      if (event.detail.toString() !== peerId) return;
      client.libp2p.removeEventListener("peer:disconnect", onDisconnect);
      resolve(performance.now());
    };
    client.libp2p.addEventListener("peer:disconnect", onDisconnect);
  });
}

/** A light push v3 request written by hand, to read the status code the SDK does not expose. */
async function rawLightPushV3Status(client: LightNode, peerId: string, topic: string): Promise<number | undefined> {
  const connection = connectionTo(client, peerId);
  if (!connection) throw new Error(`not connected to ${peerId}`);
  const stream = await connection.newStream(LIGHT_PUSH_V3);
  const request = proto_lightpush.LightPushRequestV3.encode({
    requestId: "raw-status-check",
    message: { payload: utf8ToBytes("raw"), contentTopic: topic, version: 0, timestamp: BigInt(Date.now()) * 1_000_000n },
  });
  await writeFrame(stream, request);
  const { frame, remoteClosed } = await readFrame(stream);
  await remoteClosed;
  return proto_lightpush.LightPushResponseV3.decode(frame ?? new Uint8Array()).statusCode;
}

describe("lightNodeOptions", () => {
  it("points at the fleet only, and is a fresh copy every call", () => {
    const options = lightNodeOptions(fleet);
    expect(options).toEqual({
      defaultBootstrap: false,
      discovery: { dns: false, peerExchange: true, peerCache: false },
      bootstrapPeers: [fleet.nodes[0]!.multiaddr],
      networkConfig: { clusterId: fleet.clusterId, numShardsInCluster: fleet.numShardsInCluster },
      libp2p: { filterMultiaddrs: false, hideWebSocketInfo: true },
    });
    expect(JSON.parse(JSON.stringify(options))).toEqual(options);
    const again = lightNodeOptions(fleet);
    expect(again).toEqual(options);
    expect(again.libp2p).not.toBe(options.libp2p);
    expect(again.bootstrapPeers).not.toBe(options.bootstrapPeers);
  });

  it("merges extra options key by key and copies them, so createLightNode cannot write into the caller's", () => {
    const discovered: unknown[] = [];
    const extra: CreateNodeOptions = {
      libp2p: { peerDiscovery: discovered as never, connectionMonitor: { pingInterval: 500 } },
      discovery: { peerExchange: false },
    };
    const options = lightNodeOptions(fleet, extra);
    expect(options.libp2p).toMatchObject({
      filterMultiaddrs: false,
      hideWebSocketInfo: true,
      connectionMonitor: { pingInterval: 500 },
    });
    expect(options.discovery).toEqual({ dns: false, peerExchange: false, peerCache: false });
    (options.libp2p!.peerDiscovery as unknown[]).push("pushed by createLightNode");
    expect(discovered).toEqual([]);
  });
});

describe("messages through the fleet", () => {
  // The sender only knows node 1, the receiver only node 2: every message crosses the relay mesh.
  let sender: LightNode;
  let receiver: LightNode;

  beforeAll(async () => {
    [sender, receiver] = await Promise.all([pinnedClient(1), pinnedClient(2)]);
  });

  for (const version of ["v3", "v2"] as const) {
    it(`light push ${version} through one node reaches a filter subscription held with another`, async () => {
      const topic = contentTopic(`push-${version}`);
      const inbox = await subscribe(receiver, receiver.createDecoder({ contentTopic: topic }));
      const [pushedBefore, pushesBefore] = [(await fleet.stats(1)).lightPushReceived, (await fleet.stats(2)).filterPushes];

      const started = performance.now();
      const result = await sender.lightPush!.send(
        sender.createEncoder({ contentTopic: topic }),
        { payload: utf8ToBytes(`hello over ${version}`) },
        { autoRetry: false, useLegacy: version === "v2" },
      );
      expect(result.failures).toEqual([]);
      expect(result.successes.map(String)).toEqual([fleet.nodes[1]!.peerId]);
      await inbox.waitFor(1);
      console.log(`[fleet-sdk] light push ${version} → filter on another node: ${Math.round(performance.now() - started)} ms`);
      expect(inbox.payloads()).toEqual([`hello over ${version}`]);
      expect(inbox.messages[0]!.contentTopic).toBe(topic);
      expect((await fleet.stats(1)).lightPushReceived).toBe(pushedBefore + 1);
      expect((await fleet.stats(2)).filterPushes).toBeGreaterThan(pushesBefore);
      await receiver.filter!.unsubscribe(receiver.createDecoder({ contentTopic: topic }));
    });
  }

  it("a paginated store query returns exactly the stored messages: no loop, no duplicate, no ephemeral", async () => {
    const topic = contentTopic("store");
    const decoder = receiver.createDecoder({ contentTopic: topic });
    const inbox = await subscribe(receiver, decoder);
    const stored: string[] = [];
    const ephemeral: string[] = [];
    for (let i = 0; i < 25; i++) {
      const isEphemeral = i % 8 === 3;
      const payload = `${isEphemeral ? "ephemeral" : "stored"} ${i}`;
      (isEphemeral ? ephemeral : stored).push(payload);
      const result = await sender.lightPush!.send(
        sender.createEncoder({ contentTopic: topic, ephemeral: isEphemeral }),
        { payload: utf8ToBytes(payload) },
        { autoRetry: false },
      );
      expect(result.failures, payload).toEqual([]);
    }
    // Arrival through filter at node 2 means node 2 archived it first (ephemeral ones excepted).
    await inbox.waitFor(25);
    expect(new Set(inbox.payloads())).toEqual(new Set([...stored, ...ephemeral]));

    const queriesBefore = (await fleet.stats(2)).storeQueries;
    const pages: string[][] = [];
    const started = performance.now();
    for await (const page of receiver.store!.queryGenerator([decoder], { paginationLimit: 5 })) {
      const messages = await Promise.all(page);
      pages.push(messages.map((message) => bytesToUtf8(message!.payload)));
      if (pages.length > 20) throw new Error("the store query does not end");
    }
    const queries = (await fleet.stats(2)).storeQueries - queriesBefore;
    console.log(
      `[fleet-sdk] store: ${stored.length} messages in pages of ${pages.map((page) => page.length).join("+")}, ` +
        `${queries} requests, ${Math.round(performance.now() - started)} ms`,
    );
    const received = pages.flat();
    expect(received).toHaveLength(stored.length);
    expect(new Set(received)).toEqual(new Set(stored));
    expect(pages.every((page) => page.length <= 5)).toBe(true);
    expect(pages.length).toBe(Math.ceil(stored.length / 5));
    // One request per page plus the final one that comes back empty.
    expect(queries).toBe(pages.length + 1);
  });

  describe("faults", () => {
    it("lightPushStatus: pushes are rejected with that status and not relayed", async () => {
      const topic = contentTopic("rejected");
      await fleet.setFault(1, { lightPushStatus: 503 });
      try {
        const before = await fleet.stats(1);
        expect(await rawLightPushV3Status(sender, fleet.nodes[1]!.peerId, topic)).toBe(503);
        for (const useLegacy of [false, true]) {
          const result = await sender.lightPush!.send(
            sender.createEncoder({ contentTopic: topic }),
            { payload: utf8ToBytes("rejected") },
            { autoRetry: false, useLegacy },
          );
          expect(result.successes).toEqual([]);
          expect(result.failures.map((failure) => failure.error)).toEqual([LightPushError.REMOTE_PEER_REJECTED]);
        }
        const after = await fleet.stats(1);
        expect(after.lightPushRejected - before.lightPushRejected).toBe(3);
        expect(after.storedMessages).toBe(before.storedMessages);
      } finally {
        await fleet.setFault(1, {});
      }
      const healed = await sender.lightPush!.send(
        sender.createEncoder({ contentTopic: topic }),
        { payload: utf8ToBytes("ok") },
        { autoRetry: false },
      );
      expect(healed.failures).toEqual([]);
    });

    it("filterSilent: the subscription is accepted, the message reaches the node, nothing is pushed", async () => {
      const topic = contentTopic("silent");
      await fleet.setFault(2, { filterSilent: true });
      try {
        const inbox = await subscribe(receiver, receiver.createDecoder({ contentTopic: topic }));
        const before = await fleet.stats(2);
        const result = await sender.lightPush!.send(
          sender.createEncoder({ contentTopic: topic }),
          { payload: utf8ToBytes("unheard") },
          { autoRetry: false },
        );
        expect(result.failures).toEqual([]);
        const after = await statsUntil(2, (stats) => stats.storedMessages > before.storedMessages);
        expect(after.filterPushes).toBe(before.filterPushes);
        expect(inbox.messages).toEqual([]);

        await fleet.setFault(2, {});
        await sender.lightPush!.send(
          sender.createEncoder({ contentTopic: topic }),
          { payload: utf8ToBytes("heard") },
          { autoRetry: false },
        );
        await inbox.waitFor(1);
        expect(inbox.payloads()).toEqual(["heard"]);
      } finally {
        await fleet.setFault(2, {});
      }
    });

    it("storeError: the store query fails with that status", async () => {
      const decoder = receiver.createDecoder({ contentTopic: contentTopic("store-error") });
      await fleet.setFault(2, { storeError: 500 });
      try {
        const query = async () => {
          for await (const page of receiver.store!.queryGenerator([decoder])) await Promise.all(page);
        };
        await expect(query()).rejects.toThrow(/Store query failed with status code: 500/);
      } finally {
        await fleet.setFault(2, {});
      }
    });

    it("latencyMs: every reply comes that much later", async () => {
      const encoder = sender.createEncoder({ contentTopic: contentTopic("latency") });
      const timePush = async () => {
        const started = performance.now();
        const result = await sender.lightPush!.send(encoder, { payload: utf8ToBytes("tick") }, { autoRetry: false });
        expect(result.failures).toEqual([]);
        return performance.now() - started;
      };
      const baseline = Math.min(await timePush(), await timePush(), await timePush());
      await fleet.setFault(1, { latencyMs: 400 });
      let delayed: number;
      try {
        delayed = Math.min(await timePush(), await timePush());
      } finally {
        await fleet.setFault(1, {});
      }
      console.log(`[fleet-sdk] light push round trip: ${Math.round(baseline)} ms, with latencyMs=400: ${Math.round(delayed)} ms`);
      expect(delayed).toBeGreaterThanOrEqual(400);
      expect(delayed - baseline).toBeGreaterThanOrEqual(350);
    });

    it("wrongCluster: after the metadata handshake the client does not use the node", async () => {
      await fleet.setFault(3, { wrongCluster: 99 });
      const client = await pinnedClient(3);
      try {
        // The SDK asks for metadata only in waitForPeers (nwaku also asks from its side on connect).
        await client.waitForPeers([Protocols.LightPush], 5_000).catch(() => undefined);
        const connection = connectionTo(client, fleet.nodes[3]!.peerId);
        expect(connection, "the SDK keeps the connection; it only stops using the peer").toBeDefined();
        const shardInfo = (await client.libp2p.peerStore.get(connection!.remotePeer)).metadata.get("shardInfo");
        expect(shardInfo && decodeRelayShard(shardInfo).clusterId).toBe(99);
        const before = (await fleet.stats(3)).lightPushReceived;
        const result = await client.lightPush!.send(
          client.createEncoder({ contentTopic: contentTopic("wrong-cluster") }),
          { payload: utf8ToBytes("nobody") },
          { autoRetry: false },
        );
        expect(result.successes).toEqual([]);
        expect(result.failures.map((failure) => failure.error)).toEqual([LightPushError.NO_PEER_AVAILABLE]);
        expect((await fleet.stats(3)).lightPushReceived).toBe(before);
      } finally {
        await stopClient(client);
        await fleet.setFault(3, {});
      }
    });
  });
});

describe("discovery", () => {
  it("peer exchange from the one bootstrap node leads the client to every other node", async () => {
    const started = performance.now();
    const client = await newClient();
    try {
      const others = fleet.nodes.filter((node) => node.role !== "bootstrap");
      expect(lightNodeOptions(fleet).bootstrapPeers).toEqual([fleet.nodes[0]!.multiaddr]);
      await until(
        client,
        () => others.every((node) => connectionTo(client, node.peerId)),
        30_000,
        "connections to every non-bootstrap node",
      );
      console.log(
        `[fleet-sdk] peer exchange: connected to all ${others.length} non-bootstrap nodes ` +
          `${Math.round(performance.now() - started)} ms after createLightNode`,
      );
      for (const node of others) {
        const peer = await client.libp2p.peerStore.get(connectionTo(client, node.peerId)!.remotePeer);
        expect([...peer.tags.keys()], `node ${node.index}`).toContain("peer-exchange");
      }
      expect((await fleet.stats(0)).peerExchangeQueries).toBeGreaterThan(0);
    } finally {
      await stopClient(client);
    }
  });
});

describe("node lifecycle seen from the client", () => {
  it("kill is noticed within about a second; restart keeps peer id and port and the client reconnects", async () => {
    const client = await pinnedClient(3);
    try {
      const { peerId, port } = fleet.nodes[3]!;
      const remote = connectionTo(client, peerId)!.remotePeer;
      const disconnected = disconnectOf(client, peerId);
      const killedAt = performance.now();
      await fleet.kill(3);
      const noticed = (await disconnected) - killedAt;
      console.log(`[fleet-sdk] kill → peer:disconnect after ${Math.round(noticed)} ms`);
      expect(noticed).toBeLessThan(2_000);

      await fleet.restart(3);
      expect(fleet.nodes[3]).toMatchObject({ state: "running", peerId, port });
      const dialStarted = performance.now();
      await client.libp2p.dial(remote);
      await until(client, () => serves(client, peerId, [LIGHT_PUSH_V3]), 10_000, "node 3 identified again");
      console.log(`[fleet-sdk] after restart: reconnected in ${Math.round(performance.now() - dialStarted)} ms (manual dial)`);
      const result = await client.lightPush!.send(
        client.createEncoder({ contentTopic: contentTopic("after-restart") }),
        { payload: utf8ToBytes("back") },
        { autoRetry: false },
      );
      expect(result.successes.map(String)).toEqual([peerId]);
    } finally {
      await stopClient(client);
    }
  });

  it("stop is noticed like a kill", async () => {
    const client = await pinnedClient(3);
    try {
      const { peerId } = fleet.nodes[3]!;
      const disconnected = disconnectOf(client, peerId);
      const stoppedAt = performance.now();
      await fleet.stop(3);
      const noticed = (await disconnected) - stoppedAt;
      console.log(`[fleet-sdk] graceful stop → peer:disconnect after ${Math.round(noticed)} ms`);
      expect(noticed).toBeLessThan(2_000);
    } finally {
      await stopClient(client);
      await fleet.restart(3);
    }
  });

  it("freeze: the node answers nothing until thawed; a client pinging every 500 ms drops it, reconnects after thaw", async () => {
    // The SDK's defaults notice a frozen peer only after about 13 s (libp2p's 10 s connection monitor).
    const client = await pinnedClient(3, {
      libp2p: { connectionMonitor: { pingInterval: 500, pingTimeout: { minTimeout: 500, maxTimeout: 1_000 } } },
    });
    try {
      const { peerId } = fleet.nodes[3]!;
      const remote = connectionTo(client, peerId)!.remotePeer;
      const disconnected = disconnectOf(client, peerId);
      const frozenAt = performance.now();
      await fleet.freeze(3);
      expect(fleet.nodes[3]!.state).toBe("frozen");
      const noticed = (await disconnected) - frozenAt;
      console.log(`[fleet-sdk] freeze → peer:disconnect after ${Math.round(noticed)} ms (connection monitor: 500 ms pings)`);
      expect(noticed).toBeLessThan(5_000);

      await fleet.thaw(3);
      const dialStarted = performance.now();
      await client.libp2p.dial(remote);
      await until(client, () => serves(client, peerId, [LIGHT_PUSH_V3]), 10_000, "node 3 identified after thaw");
      console.log(`[fleet-sdk] after thaw: reconnected in ${Math.round(performance.now() - dialStarted)} ms (manual dial)`);
      const result = await client.lightPush!.send(
        client.createEncoder({ contentTopic: contentTopic("after-thaw") }),
        { payload: utf8ToBytes("thawed") },
        { autoRetry: false },
      );
      expect(result.successes.map(String)).toEqual([peerId]);
    } finally {
      await stopClient(client);
      if (fleet.nodes[3]!.state === "frozen") await fleet.thaw(3);
    }
  });
});
