/**
 * The fleet's filter push path: one long-lived push stream per subscriber, as nwaku does. The SDK
 * accepts at most 100 inbound push streams per connection and never closes its side, so a server
 * opening a stream per push stops reaching a subscriber after 100 messages.
 */
import { proto_lightpush } from "@waku/proto";
import { bytesToUtf8, type LightNode } from "@waku/sdk";
import { contentTopicToPubsubTopic } from "@waku/utils";
import { describe, expect, it } from "vitest";
import { FILTER_PUSH_CODEC } from "../../fleet/node/filter.js";
import { LIGHT_PUSH_V3_CODEC } from "../../fleet/node/light-push.js";
import type { ServiceNode } from "../../fleet/node/service-node.js";
import type { WakuMessage } from "../../fleet/node/waku-message.js";
import {
  CLUSTER_ID,
  NUM_SHARDS,
  rawRequest,
  sharedFleet,
  startLightNode,
  startRawClient,
  waitUntil,
} from "./_fleet-node-harness.js";

const fleet = sharedFleet(2);
const { node, perTest } = fleet;

let sequence = 0;
function messageOn(contentTopic: string, text: string): WakuMessage {
  return {
    payload: new TextEncoder().encode(text),
    contentTopic,
    version: 0,
    timestamp: BigInt(Date.now()) * 1_000_000n + BigInt(++sequence),
  };
}

type RawClient = Awaited<ReturnType<typeof startRawClient>>;

async function lightPush(client: RawClient, target: ServiceNode, message: WakuMessage): Promise<void> {
  const request = proto_lightpush.LightPushRequestV3.encode({
    requestId: `push-${sequence}`,
    pubsubTopic: contentTopicToPubsubTopic(message.contentTopic, CLUSTER_ID, NUM_SHARDS),
    message,
  });
  const reply = proto_lightpush.LightPushResponseV3.decode(await rawRequest(client, target, LIGHT_PUSH_V3_CODEC, request));
  if (reply.statusCode !== 200) throw new Error(`light push answered ${reply.statusCode}`);
}

async function subscribeTexts(light: LightNode, contentTopic: string): Promise<string[]> {
  const texts: string[] = [];
  const subscribed = await light.filter.subscribe(light.createDecoder({ contentTopic }), (message) => {
    texts.push(bytesToUtf8(message.payload));
  });
  expect(subscribed).toBe(true);
  return texts;
}

/** A light node subscribed on `serviceNode` only, once the node has registered the subscription. */
async function subscribedReceiver(
  serviceNode: ServiceNode,
  name: string,
): Promise<{ receiver: LightNode; contentTopic: string; texts: string[] }> {
  const receiver = await startLightNode(perTest, [serviceNode]);
  const contentTopic = `/messages-fleet-push/1/${name}-${process.pid}/proto`;
  const subscriptionsBefore = serviceNode.stats().filterSubscriptions;
  const texts = await subscribeTexts(receiver, contentTopic);
  await waitUntil(() => serviceNode.stats().filterSubscriptions === subscriptionsBefore + 1, {
    what: "the node to register the subscription",
  });
  return { receiver, contentTopic, texts };
}

function pushStreamsOf(light: LightNode, serviceNode: ServiceNode) {
  return light.libp2p
    .getConnections()
    .filter((connection) => connection.remotePeer.toString() === serviceNode.identity.peerId)
    .flatMap((connection) => connection.streams)
    .filter((stream) => stream.protocol === FILTER_PUSH_CODEC);
}

describe("filter push streams", () => {
  it("delivers 1,000 pushes to one subscriber, every one of them, over a single stream", async () => {
    const [a, b] = [node(0), node(1)];
    const { receiver, contentTopic, texts } = await subscribedReceiver(b, "thousand");

    const publisher = await startRawClient(perTest);
    const COUNT = 1_000;
    // Published on A, so every message reaches B over relay and B pushes it: the path apps use.
    for (let index = 0; index < COUNT; index++) await lightPush(publisher, a, messageOn(contentTopic, `message ${index}`));

    await waitUntil(() => texts.length >= COUNT, { timeoutMs: 30_000, what: `${COUNT} pushes (got ${texts.length})` });
    expect(new Set(texts).size).toBe(COUNT);
    expect(texts.length).toBe(COUNT);
    expect(pushStreamsOf(receiver, b)).toHaveLength(1);
  });

  it("opens a new push stream when the old one breaks, and keeps delivering", async () => {
    const b = node(1);
    const { receiver, contentTopic, texts } = await subscribedReceiver(b, "reopen");
    const publisher = await startRawClient(perTest);

    await lightPush(publisher, b, messageOn(contentTopic, "before the break"));
    await waitUntil(() => texts.length === 1, { what: "the first push" });
    const [broken] = pushStreamsOf(receiver, b);
    expect(broken).toBeDefined();
    broken!.abort(new Error("test: the subscriber resets the push stream"));
    await waitUntil(() => pushStreamsOf(receiver, b).length === 0, { what: "the reset stream to go away" });

    // The first push after a break may be the one that finds the stream gone; the next ones arrive.
    for (let index = 0; index < 5; index++) await lightPush(publisher, b, messageOn(contentTopic, `after the break ${index}`));
    await waitUntil(() => texts.includes("after the break 4"), { what: "pushes after the break" });
    expect(pushStreamsOf(receiver, b)).toHaveLength(1);
    expect(pushStreamsOf(receiver, b)[0]).not.toBe(broken);
  });
});
