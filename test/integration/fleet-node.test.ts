/**
 * Three in-process fleet nodes wired into a relay mesh, used by real @waku/sdk light
 * nodes: light push (v3 and v2) on one node reaches a filter subscriber of another over
 * relay, the store pages exactly what was sent, and peer exchange hands out the others.
 */
import { EnrDecoder } from "@waku/enr";
import { proto_peer_exchange } from "@waku/proto";
import { bytesToUtf8, createLightNode, type IDecodedMessage, type LightNode, utf8ToBytes } from "@waku/sdk";
import { beforeAll, describe, expect, it } from "vitest";
import { PEER_EXCHANGE_CODEC } from "../../fleet/node/peer-exchange.js";
import {
  NETWORK,
  rawRequest,
  sharedFleet,
  startLightNode,
  startRawClient,
  waitForServicePeer,
  waitUntil,
} from "./_fleet-node-harness.js";

const fleet = sharedFleet(3);
const { node, perTest: testCleanup } = fleet;

async function subscribe(light: LightNode, contentTopic: string): Promise<IDecodedMessage[]> {
  const received: IDecodedMessage[] = [];
  const subscribed = await light.filter.subscribe(light.createDecoder({ contentTopic }), (message) => {
    received.push(message);
  });
  expect(subscribed).toBe(true);
  return received;
}

describe("relay path: light push on node A, filter subscription on node B", () => {
  it.each([
    { version: "v3", useLegacy: false },
    { version: "v2", useLegacy: true },
  ])("a light push $version reaches the subscriber through the relay mesh", async ({ version, useLegacy }) => {
    const [a, b] = [node(0), node(1)];
    const sender = await startLightNode(testCleanup, [a]);
    const receiver = await startLightNode(testCleanup, [b]);
    // The receiver only knows B, so whatever it gets came over relay from A.
    expect(receiver.libp2p.getPeers().map(String)).toEqual([b.identity.peerId]);

    const contentTopic = `/fleet-node-test/1/relay-${version}/proto`;
    const subscriptionsBefore = b.stats().filterSubscriptions;
    const received = await subscribe(receiver, contentTopic);
    await waitUntil(() => b.stats().filterSubscriptions === subscriptionsBefore + 1, { what: "B to register the subscription" });

    const before = { a: a.stats(), b: b.stats() };
    const text = `hello over relay (${version})`;
    const result = await sender.lightPush.send(
      sender.createEncoder({ contentTopic }),
      { payload: utf8ToBytes(text) },
      { autoRetry: false, useLegacy },
    );
    expect(result.failures).toEqual([]);
    expect(result.successes.map(String)).toEqual([a.identity.peerId]);

    await waitUntil(() => received.length > 0, { what: "the filter push" });
    expect(received.map((message) => bytesToUtf8(message.payload))).toEqual([text]);
    expect(received[0]?.contentTopic).toBe(contentTopic);
    expect(received[0]?.pubsubTopic).toBe(sender.createEncoder({ contentTopic }).pubsubTopic);
    expect(a.stats().lightPushReceived - before.a.lightPushReceived).toBe(1);
    expect(b.stats().relayReceived - before.b.relayReceived).toBe(1);
    // B counts a push once its stream is closed, which can be just after the client got it.
    await waitUntil(() => b.stats().filterPushes > before.b.filterPushes, { what: "B to count the push" });
    expect(b.stats().filterPushes - before.b.filterPushes).toBe(1);
  });
});

describe("store", () => {
  const SENT = 45;
  const EPHEMERAL = 5;
  const PAGE = 10;
  const contentTopic = "/fleet-node-test/1/store/proto";
  const baseMs = Date.now() - 60_000;
  const sentAt = (i: number) => new Date(baseMs + 10 * i);
  let reader: LightNode;

  beforeAll(async () => {
    const [a, , c] = [node(0), node(1), node(2)];
    const storedBefore = c.stats().storedMessages;
    const relayedBefore = c.stats().relayReceived;
    const sender = await startLightNode(fleet.perFile, [a]);
    const encoder = sender.createEncoder({ contentTopic });
    const ephemeralEncoder = sender.createEncoder({ contentTopic, ephemeral: true });
    for (let i = 0; i < SENT; i++) {
      // Distinct timestamps make the archive order the sending order.
      const result = await sender.lightPush.send(
        encoder,
        { payload: utf8ToBytes(`message ${i}`), timestamp: sentAt(i) },
        { autoRetry: false },
      );
      expect(result.failures).toEqual([]);
      if (i % 9 === 0) {
        const ephemeral = await sender.lightPush.send(
          ephemeralEncoder,
          { payload: utf8ToBytes(`ephemeral ${i}`), timestamp: sentAt(i) },
          { autoRetry: false },
        );
        expect(ephemeral.failures).toEqual([]);
      }
    }
    // Read from C, which only got the messages over relay.
    await waitUntil(() => c.stats().relayReceived - relayedBefore === SENT + EPHEMERAL, { what: "C to receive every message" });
    expect(c.stats().storedMessages - storedBefore).toBe(SENT);
    reader = await startLightNode(fleet.perFile, [c]);
    await waitForServicePeer(reader, c, ["/vac/waku/store-query/3.0.0"]);
  });

  async function readPages(options: {
    paginationForward: boolean;
    paginationLimit?: number;
    paginationCursor?: Uint8Array;
    timeStart?: Date;
    timeEnd?: Date;
    messageHashes?: Uint8Array[];
  }) {
    const pages: string[][] = [];
    for await (const page of reader.store.queryGenerator([reader.createDecoder({ contentTopic })], options)) {
      const messages = await Promise.all(page);
      pages.push(messages.map((message) => (message ? bytesToUtf8(message.payload) : "<undecodable>")));
    }
    return pages;
  }

  const expected = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => `message ${from + k}`);

  it("pages forward through exactly the sent messages, then stops on an empty page", async () => {
    const queriesBefore = node(2).stats().storeQueries;
    const pages = await readPages({ paginationForward: true, paginationLimit: PAGE });
    expect(pages).toEqual([expected(0, 9), expected(10, 19), expected(20, 29), expected(30, 39), expected(40, 44)]);
    // Five pages with messages and the empty one the SDK stops on: no loop, no duplicate.
    expect(node(2).stats().storeQueries - queriesBefore).toBe(6);
  });

  it("pages backward from the newest, each page in time order", async () => {
    const queriesBefore = node(2).stats().storeQueries;
    const pages = await readPages({ paginationForward: false, paginationLimit: PAGE });
    expect(pages).toEqual([expected(35, 44), expected(25, 34), expected(15, 24), expected(5, 14), expected(0, 4)]);
    expect(node(2).stats().storeQueries - queriesBefore).toBe(6);
    expect(pages.flat().some((text) => text.startsWith("ephemeral"))).toBe(false);
  });

  it("uses 20 messages per page when the client sets no limit", async () => {
    const pages = await readPages({ paginationForward: true });
    expect(pages.map((page) => page.length)).toEqual([20, 20, 5]);
  });

  it("treats the cursor as exclusive", async () => {
    let cursorMessage: IDecodedMessage | undefined;
    for await (const page of reader.store.queryGenerator([reader.createDecoder({ contentTopic })], {
      paginationForward: true,
      paginationLimit: 100,
    })) {
      for (const message of await Promise.all(page))
        if (message && bytesToUtf8(message.payload) === "message 20") cursorMessage = message;
    }
    expect(cursorMessage).toBeDefined();
    const cursor = reader.store.createCursor(cursorMessage as IDecodedMessage);
    expect((await readPages({ paginationForward: true, paginationLimit: PAGE, paginationCursor: cursor })).flat()).toEqual(
      expected(21, 44),
    );
    expect(await readPages({ paginationForward: false, paginationLimit: PAGE, paginationCursor: cursor })).toEqual([
      expected(10, 19),
      expected(0, 9),
    ]);
  });

  it("filters by time range", async () => {
    // The SDK converts ms to ns in floating point, which is off by up to ~100 ns at
    // today's timestamps; a 1 ms margin keeps this about the range, not the rounding.
    // (Inclusive bounds are checked to the nanosecond in fleet-node-protocols.)
    const pages = await readPages({
      paginationForward: true,
      timeStart: new Date(sentAt(10).getTime() - 1),
      timeEnd: new Date(sentAt(19).getTime() + 1),
    });
    expect(pages.flat()).toEqual(expected(10, 19));
  });

  it("looks messages up by hash", async () => {
    const wanted = new Map<string, Uint8Array>();
    for await (const page of reader.store.queryGenerator([reader.createDecoder({ contentTopic })], {
      paginationForward: true,
      paginationLimit: 100,
    })) {
      for (const message of await Promise.all(page)) {
        const text = message ? bytesToUtf8(message.payload) : "";
        if (text === "message 7" || text === "message 33") wanted.set(text, (message as IDecodedMessage).hash);
      }
    }
    expect(wanted.size).toBe(2);
    const pages = await readPages({ paginationForward: true, messageHashes: [...wanted.values()] });
    expect(pages.flat()).toEqual(["message 7", "message 33"]);
  });
});

describe("peer exchange", () => {
  it("answers with decodable ENRs of the other fleet nodes, up to the number asked", async () => {
    const client = await startRawClient(testCleanup);
    const ask = async (numPeers: number) => {
      const reply = proto_peer_exchange.PeerExchangeRPC.decode(
        await rawRequest(
          client,
          node(0),
          PEER_EXCHANGE_CODEC,
          proto_peer_exchange.PeerExchangeRPC.encode({ query: { numPeers: BigInt(numPeers) } }),
        ),
      );
      return Promise.all((reply.response?.peerInfos ?? []).map((info) => EnrDecoder.fromRLP(info.enr ?? new Uint8Array())));
    };
    const all = await ask(10);
    expect(all.map((enr) => enr.peerId?.toString()).sort()).toEqual([node(1).identity.peerId, node(2).identity.peerId].sort());
    for (const enr of all) {
      const described = fleet.all().find((candidate) => candidate.identity.peerId === enr.peerId?.toString());
      expect(enr.getFullMultiaddrs().map(String)).toEqual([described?.identity.multiaddr]);
      expect(enr.shardInfo).toEqual({ clusterId: NETWORK.clusterId, shards: [0, 1, 2, 3, 4, 5, 6, 7] });
    }
    expect(await ask(1)).toHaveLength(1);
    expect(node(0).stats().peerExchangeQueries).toBeGreaterThanOrEqual(2);
  });

  it("lets a light node that only knows node A discover and dial B and C", async () => {
    const light = await createLightNode({
      defaultBootstrap: false,
      discovery: { dns: false, peerExchange: true, peerCache: false },
      bootstrapPeers: [node(0).identity.multiaddr],
      networkConfig: { ...NETWORK },
      libp2p: { filterMultiaddrs: false, hideWebSocketInfo: true },
    });
    testCleanup.add(light, (started) => started.stop());
    const others = [node(1).identity.peerId, node(2).identity.peerId];
    await waitUntil(
      () => {
        const connected = new Set(light.libp2p.getPeers().map(String));
        return others.every((peerId) => connected.has(peerId));
      },
      { timeoutMs: 30_000, what: "the light node to connect to the exchanged peers" },
    );
    // Once connected to B and C it asks them too, and they name A: every fleet node ends up
    // known through peer exchange, and nothing else does.
    const tagged = await light.libp2p.peerStore.all({ filters: [(peer) => peer.tags.has("peer-exchange")] });
    const taggedIds = tagged.map((peer) => peer.id.toString());
    expect(taggedIds).toEqual(expect.arrayContaining(others));
    expect(fleet.all().map((fleetNode) => fleetNode.identity.peerId)).toEqual(expect.arrayContaining(taggedIds));
  });
});
