/**
 * The service node's protocol servers spoken to by hand, for the cases the SDK never
 * produces on its own: ENR contents, filter status codes and expiry, light push
 * rejections, exact store bounds and cursors, pushes to a vanished subscriber, and a
 * node restarting with the same key and port.
 */
import type { IncomingStreamData } from "@libp2p/interface";
import { EnrDecoder } from "@waku/enr";
import { proto_filter_v2, proto_lightpush, proto_metadata, proto_store } from "@waku/proto";
import { contentTopicToPubsubTopic, formatPubsubTopic } from "@waku/utils";
import { bytesToHex } from "@waku/utils/bytes";
import { beforeAll, describe, expect, it } from "vitest";
import { FILTER_PUSH_CODEC, FILTER_SUBSCRIBE_CODEC } from "../../fleet/node/filter.js";
import { readFrame } from "../../fleet/node/frames.js";
import { LIGHT_PUSH_V2_CODEC, LIGHT_PUSH_V3_CODEC } from "../../fleet/node/light-push.js";
import { METADATA_CODEC } from "../../fleet/node/metadata.js";
import { type ServiceNode, startServiceNode } from "../../fleet/node/service-node.js";
import { STORE_CODEC } from "../../fleet/node/store.js";
import { hashWakuMessage, type WakuMessage } from "../../fleet/node/waku-message.js";
import {
  CLUSTER_ID,
  nodeConfig,
  NUM_SHARDS,
  rawRequest,
  sharedFleet,
  startFleet,
  startRawClient,
  waitForRelayMesh,
  waitUntil,
  wireFleet,
} from "./_fleet-node-harness.js";

const fleet = sharedFleet(3);
const { node, perTest: testCleanup } = fleet;

const CONTENT_TOPIC = "/fleet-node-test/1/raw/proto";
const PUBSUB_TOPIC = contentTopicToPubsubTopic(CONTENT_TOPIC, CLUSTER_ID, NUM_SHARDS);
const SHARD = Number(PUBSUB_TOPIC.split("/").pop());
const OTHER_SHARD = (SHARD + 1) % NUM_SHARDS;

let sequence = 0;
function newMessage(overrides: Partial<WakuMessage> = {}): WakuMessage {
  sequence++;
  return {
    payload: new TextEncoder().encode(`raw message ${sequence}`),
    contentTopic: CONTENT_TOPIC,
    version: 0,
    timestamp: BigInt(Date.now()) * 1_000_000n + BigInt(sequence),
    ...overrides,
  };
}

type Client = Awaited<ReturnType<typeof startRawClient>>;

async function pushV3(client: Client, target: ServiceNode, message: WakuMessage | undefined, pubsubTopic?: string) {
  const request = proto_lightpush.LightPushRequestV3.encode({
    requestId: `v3-${sequence}`,
    ...(pubsubTopic !== undefined ? { pubsubTopic } : {}),
    ...(message ? { message } : {}),
  });
  return proto_lightpush.LightPushResponseV3.decode(await rawRequest(client, target, LIGHT_PUSH_V3_CODEC, request));
}

async function pushV2(client: Client, target: ServiceNode, message: WakuMessage, pubsubTopic: string) {
  const request = proto_lightpush.PushRpc.encode({ requestId: `v2-${sequence}`, request: { pubsubTopic, message } });
  return proto_lightpush.PushRpc.decode(await rawRequest(client, target, LIGHT_PUSH_V2_CODEC, request));
}

async function filterRequest(
  client: Client,
  target: ServiceNode,
  filterSubscribeType: proto_filter_v2.FilterSubscribeRequest.FilterSubscribeType,
  pubsubTopic = "",
  contentTopics: string[] = [],
) {
  const request = proto_filter_v2.FilterSubscribeRequest.encode({
    requestId: `filter-${++sequence}`,
    filterSubscribeType,
    pubsubTopic,
    contentTopics,
  });
  return proto_filter_v2.FilterSubscribeResponse.decode(await rawRequest(client, target, FILTER_SUBSCRIBE_CODEC, request));
}

async function storeQuery(client: Client, target: ServiceNode, query: Partial<proto_store.StoreQueryRequest>) {
  const request = proto_store.StoreQueryRequest.encode({
    requestId: `store-${++sequence}`,
    includeData: true,
    contentTopics: [],
    messageHashes: [],
    paginationForward: true,
    ...query,
  });
  return proto_store.StoreQueryResponse.decode(await rawRequest(client, target, STORE_CODEC, request));
}

const Type = proto_filter_v2.FilterSubscribeRequest.FilterSubscribeType;

describe("ENR", () => {
  it("round-trips through @waku/enr: peer id, ws address, location, shards and capabilities", async () => {
    const enr = await EnrDecoder.fromString(node(0).identity.enr);
    expect(enr.peerId?.toString()).toBe(node(0).identity.peerId);
    expect(enr.getFullMultiaddrs().map(String)).toEqual([node(0).identity.multiaddr]);
    expect(enr.ip).toBe("127.0.0.1");
    expect(enr.tcp).toBe(node(0).identity.port);
    expect(enr.shardInfo).toEqual({ clusterId: CLUSTER_ID, shards: [0, 1, 2, 3, 4, 5, 6, 7] });
    expect(enr.waku2).toEqual({ relay: true, store: true, filter: true, lightPush: true });
  });

  it("describes a partial node: only its shards and only its protocols", async () => {
    const partial = testCleanup.add(
      await startServiceNode(await nodeConfig(9, { shards: [5, 1], protocols: ["metadata", "filter", "lightPush"] })),
      (started) => started.stop(),
    );
    const enr = await EnrDecoder.fromString(partial.identity.enr);
    expect(enr.shardInfo).toEqual({ clusterId: CLUSTER_ID, shards: [1, 5] });
    expect(enr.waku2).toEqual({ relay: false, store: false, filter: true, lightPush: true });
    const client = await startRawClient(testCleanup);
    const metadata = proto_metadata.WakuMetadataResponse.decode(
      await rawRequest(
        client,
        partial,
        METADATA_CODEC,
        proto_metadata.WakuMetadataRequest.encode({ clusterId: CLUSTER_ID, shards: [] }),
      ),
    );
    expect(metadata).toEqual({ clusterId: CLUSTER_ID, shards: [1, 5] });
  });
});

describe("filter", () => {
  it("answers pings, subscriptions and unsubscriptions with nwaku's status codes", async () => {
    const client = await startRawClient(testCleanup);
    const a = node(0);
    expect((await filterRequest(client, a, Type.SUBSCRIBER_PING)).statusCode).toBe(404);
    expect((await filterRequest(client, a, Type.UNSUBSCRIBE_ALL)).statusCode).toBe(404);
    expect((await filterRequest(client, a, Type.SUBSCRIBE, PUBSUB_TOPIC, [])).statusCode).toBe(400);
    expect((await filterRequest(client, a, Type.SUBSCRIBE, "", [CONTENT_TOPIC])).statusCode).toBe(400);
    const tooMany = Array.from({ length: 101 }, (_, i) => `/fleet-node-test/1/t${i}/proto`);
    expect((await filterRequest(client, a, Type.SUBSCRIBE, PUBSUB_TOPIC, tooMany)).statusCode).toBe(400);

    const subscribed = await filterRequest(client, a, Type.SUBSCRIBE, PUBSUB_TOPIC, [CONTENT_TOPIC]);
    expect(subscribed).toMatchObject({ statusCode: 200, statusDesc: "OK" });
    expect(subscribed.requestId).toMatch(/^filter-/);
    expect((await filterRequest(client, a, Type.SUBSCRIBER_PING)).statusCode).toBe(200);
    expect((await filterRequest(client, a, Type.UNSUBSCRIBE, PUBSUB_TOPIC, ["/fleet-node-test/1/never/proto"])).statusCode).toBe(
      404,
    );
    expect((await filterRequest(client, a, Type.UNSUBSCRIBE, PUBSUB_TOPIC, [CONTENT_TOPIC])).statusCode).toBe(200);
    expect((await filterRequest(client, a, Type.SUBSCRIBER_PING)).statusCode).toBe(404);
  });

  it("refuses a subscription on a shard the node does not serve", async () => {
    const partial = testCleanup.add(await startServiceNode(await nodeConfig(9, { shards: [OTHER_SHARD] })), (started) =>
      started.stop(),
    );
    const client = await startRawClient(testCleanup);
    expect((await filterRequest(client, partial, Type.SUBSCRIBE, PUBSUB_TOPIC, [CONTENT_TOPIC])).statusCode).toBe(400);
    const served = formatPubsubTopic(CLUSTER_ID, OTHER_SHARD);
    expect((await filterRequest(client, partial, Type.SUBSCRIBE, served, [CONTENT_TOPIC])).statusCode).toBe(200);
  });

  it("lets a subscription lapse after the time-to-live without a ping", async () => {
    const ttlMs = 400;
    const shortLived = testCleanup.add(
      await startServiceNode(await nodeConfig(9, { filterSubscriptionTtlMs: ttlMs })),
      (started) => started.stop(),
    );
    const client = await startRawClient(testCleanup);
    // Taken before the request: the node dates the subscription while answering it.
    const subscribedAt = Date.now();
    expect((await filterRequest(client, shortLived, Type.SUBSCRIBE, PUBSUB_TOPIC, [CONTENT_TOPIC])).statusCode).toBe(200);
    expect(shortLived.stats().filterSubscriptions).toBe(1);
    await waitUntil(() => shortLived.stats().filterSubscriptions === 0, { what: "the subscription to expire" });
    expect(Date.now() - subscribedAt).toBeGreaterThanOrEqual(ttlMs);
    expect((await filterRequest(client, shortLived, Type.SUBSCRIBER_PING)).statusCode).toBe(404);
  });

  it("pushes a matching message as MessagePush on a new filter-push stream", async () => {
    const pushes: proto_filter_v2.MessagePush[] = [];
    const receive = ({ stream }: IncomingStreamData) => {
      void readFrame(stream).then(({ frame }) => {
        if (frame) pushes.push(proto_filter_v2.MessagePush.decode(frame));
      });
    };
    const subscriber = await startRawClient(testCleanup, { [FILTER_PUSH_CODEC]: receive });
    const b = node(1);
    expect((await filterRequest(subscriber, b, Type.SUBSCRIBE, PUBSUB_TOPIC, [CONTENT_TOPIC])).statusCode).toBe(200);

    const pusher = await startRawClient(testCleanup);
    const message = newMessage();
    expect((await pushV3(pusher, node(0), message)).statusCode).toBe(200);
    await waitUntil(() => pushes.length > 0, { what: "the filter push" });
    expect(pushes[0]?.pubsubTopic).toBe(PUBSUB_TOPIC);
    expect(pushes[0]?.wakuMessage).toEqual(message);
  });

  it("survives pushing to a subscriber that has gone away", async () => {
    const b = node(1);
    const vanishing = await startRawClient(testCleanup);
    expect((await filterRequest(vanishing, b, Type.SUBSCRIBE, PUBSUB_TOPIC, [CONTENT_TOPIC])).statusCode).toBe(200);
    const subscriber = vanishing.peerId.toString();
    await vanishing.stop();
    await waitUntil(() => !b.stats().connectedPeers.includes(subscriber), { what: "B to notice the subscriber left" });

    const pushesBefore = b.stats().filterPushes;
    const relayedBefore = b.stats().relayReceived;
    const client = await startRawClient(testCleanup);
    expect((await pushV3(client, node(0), newMessage())).statusCode).toBe(200);
    await waitUntil(() => b.stats().relayReceived > relayedBefore, { what: "B to receive the message" });
    expect(b.stats().filterPushes).toBe(pushesBefore);
    // Still serving.
    expect((await filterRequest(client, b, Type.SUBSCRIBER_PING)).statusCode).toBe(404);
  });
});

describe("light push", () => {
  it("autoshards a v3 request without pubsub topic and reports the relay peers", async () => {
    const client = await startRawClient(testCleanup);
    const reply = await pushV3(client, node(0), newMessage());
    expect(reply).toMatchObject({ statusCode: 200, relayPeerCount: 2 });
    expect(reply.requestId).toMatch(/^v3-/);
  });

  it("rejects a message for a shard the node does not serve, in v3 and v2", async () => {
    const partial = testCleanup.add(await startServiceNode(await nodeConfig(9, { shards: [OTHER_SHARD] })), (started) =>
      started.stop(),
    );
    const client = await startRawClient(testCleanup);
    expect((await pushV3(client, partial, newMessage(), PUBSUB_TOPIC)).statusCode).toBe(421);
    expect((await pushV3(client, partial, newMessage())).statusCode).toBe(421);
    const v2 = await pushV2(client, partial, newMessage(), PUBSUB_TOPIC);
    expect(v2.response?.isSuccess).toBe(false);
    expect(v2.response?.info).toContain("not served");
    expect(partial.stats()).toMatchObject({ lightPushReceived: 3, lightPushRejected: 3, storedMessages: 0 });
  });

  it("rejects a request without message, an oversized message and an invalid content topic", async () => {
    const client = await startRawClient(testCleanup);
    const a = node(0);
    expect((await pushV3(client, a, undefined, PUBSUB_TOPIC)).statusCode).toBe(400);
    expect((await pushV3(client, a, newMessage({ payload: new Uint8Array(151 * 1024) }))).statusCode).toBe(413);
    expect((await pushV3(client, a, newMessage({ contentTopic: "not-a-content-topic" }))).statusCode).toBe(400);
  });

  it("accepts a v2 push and stores it once even when pushed again, to any node", async () => {
    const client = await startRawClient(testCleanup);
    const message = newMessage();
    const storedBefore = node(2).stats().storedMessages;
    expect((await pushV2(client, node(0), message, PUBSUB_TOPIC)).response).toMatchObject({ isSuccess: true });
    expect((await pushV2(client, node(1), message, PUBSUB_TOPIC)).response).toMatchObject({ isSuccess: true });
    expect((await pushV3(client, node(2), message, PUBSUB_TOPIC)).statusCode).toBe(200);
    const hash = hashWakuMessage(PUBSUB_TOPIC, message);
    for (const target of fleet.all()) {
      await waitUntil(async () => (await storeQuery(client, target, { messageHashes: [hash] })).messages.length === 1, {
        what: "every node to store the message",
      });
    }
    expect(node(2).stats().storedMessages - storedBefore).toBe(1);
  });
});

describe("store", () => {
  const contentTopic = "/fleet-node-test/1/raw-store/proto";
  const pubsubTopic = contentTopicToPubsubTopic(contentTopic, CLUSTER_ID, NUM_SHARDS);
  const COUNT = 120;
  const baseNs = 1_700_000_000_000_000_000n;
  const sent: WakuMessage[] = [];
  let client: Client;

  beforeAll(async () => {
    client = await startRawClient(fleet.perFile);
    for (let i = 0; i < COUNT; i++) {
      const message = newMessage({ contentTopic, timestamp: baseNs + BigInt(i) });
      sent.push(message);
      expect((await pushV3(client, node(0), message)).statusCode).toBe(200);
    }
  });

  const texts = (reply: proto_store.StoreQueryResponse) =>
    reply.messages.map((entry) => new TextDecoder().decode(entry.message?.payload));
  const sentTexts = (from: number, to: number) =>
    sent.slice(from, to + 1).map((message) => new TextDecoder().decode(message.payload));

  it("caps a page at 100 messages and hands out a cursor only while more remain", async () => {
    const first = await storeQuery(client, node(0), { pubsubTopic, contentTopics: [contentTopic], paginationLimit: 500n });
    expect(first.statusCode).toBe(200);
    expect(texts(first)).toEqual(sentTexts(0, 99));
    expect(bytesToHex(first.paginationCursor ?? new Uint8Array())).toBe(
      bytesToHex(first.messages[99]?.messageHash ?? new Uint8Array([1])),
    );
    const second = await storeQuery(client, node(0), {
      pubsubTopic,
      contentTopics: [contentTopic],
      paginationLimit: 500n,
      ...(first.paginationCursor ? { paginationCursor: first.paginationCursor } : {}),
    });
    expect(texts(second)).toEqual(sentTexts(100, 119));
    expect(second.paginationCursor).toBeUndefined();
  });

  it("includes both ends of the time range, to the nanosecond", async () => {
    const reply = await storeQuery(client, node(0), {
      pubsubTopic,
      contentTopics: [contentTopic],
      timeStart: baseNs + 10n,
      timeEnd: baseNs + 14n,
    });
    expect(texts(reply)).toEqual(sentTexts(10, 14));
  });

  it("returns hashes only when data is not requested", async () => {
    const reply = await storeQuery(client, node(0), {
      pubsubTopic,
      contentTopics: [contentTopic],
      includeData: false,
      paginationLimit: 3n,
    });
    expect(reply.messages.map((entry) => entry.message)).toEqual([undefined, undefined, undefined]);
    expect(reply.messages.map((entry) => bytesToHex(entry.messageHash ?? new Uint8Array()))).toEqual(
      sent.slice(0, 3).map((message) => bytesToHex(hashWakuMessage(pubsubTopic, message))),
    );
  });

  it("answers an unknown cursor and contradictory criteria with 400", async () => {
    const unknownCursor = await storeQuery(client, node(0), {
      pubsubTopic,
      contentTopics: [contentTopic],
      paginationCursor: new Uint8Array(32),
    });
    expect(unknownCursor).toMatchObject({ statusCode: 400, messages: [] });
    const contradictory = await storeQuery(client, node(0), {
      pubsubTopic,
      contentTopics: [contentTopic],
      messageHashes: [hashWakuMessage(pubsubTopic, sent[0] as WakuMessage)],
    });
    expect(contradictory.statusCode).toBe(400);
    expect((await storeQuery(client, node(0), { contentTopics: [contentTopic] })).statusCode).toBe(400);
  });
});

describe("restart", () => {
  it("comes back with the same peer id on the same port and is re-dialed into the mesh", async () => {
    const fleet = await startFleet(testCleanup, 3);
    const [a, b, c] = fleet as [ServiceNode, ServiceNode, ServiceNode];
    const config = await nodeConfig(1);
    // Re-create B from a known key so it can come back as itself.
    await b.stop();
    const first = testCleanup.add(await startServiceNode(config), (started) => started.stop());
    const peers = [a, first, c];
    wireFleet(peers);
    await waitForRelayMesh(peers);

    const { port, peerId } = first.identity;
    await first.stop();
    const again = testCleanup.add(await startServiceNode({ ...config, port }), (started) => started.stop());
    expect(again.identity.peerId).toBe(peerId);
    expect(again.identity.port).toBe(port);
    expect(again.identity.enr).toBe(first.identity.enr);

    // Nobody sends a peers update: A and C re-dial the keep-alive peer on their own.
    await waitForRelayMesh([a, again, c]);
    const client = await startRawClient(testCleanup);
    expect((await pushV3(client, a, newMessage())).statusCode).toBe(200);
    await waitUntil(() => again.stats().relayReceived === 1, { what: "the restarted node to receive over relay" });
  });
});
