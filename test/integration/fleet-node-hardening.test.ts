/**
 * A service node against hostile or broken clients, spoken to by hand: frames read in linear
 * time (a 4 MiB request in 1 KiB chunks neither costs seconds nor stalls other clients),
 * the protocol's own error status for malformed requests instead of a stream reset, and the
 * per-peer bounds — filter criteria and subscribers, open streams, idle streams, store bytes.
 */
import type { Stream } from "@libp2p/interface";
import { multiaddr } from "@multiformats/multiaddr";
import { proto_filter_v2, proto_lightpush, proto_metadata, proto_peer_exchange, proto_store } from "@waku/proto";
import { contentTopicToPubsubTopic } from "@waku/utils";
import { describe, expect, it } from "vitest";
import { encodeFrame, encodeVarint, MAX_FRAME_BYTES, readFirstFrame, readFrame } from "../../fleet/node/frames.js";
import { FILTER_SUBSCRIBE_CODEC } from "../../fleet/node/filter.js";
import { LIGHT_PUSH_V2_CODEC, LIGHT_PUSH_V3_CODEC } from "../../fleet/node/light-push.js";
import { METADATA_CODEC } from "../../fleet/node/metadata.js";
import { PEER_EXCHANGE_CODEC } from "../../fleet/node/peer-exchange.js";
import { type ServiceNode, startServiceNode } from "../../fleet/node/service-node.js";
import { STORE_CODEC } from "../../fleet/node/store.js";
import type { NodeLimits } from "waku-peers-fleet";
import {
  CLUSTER_ID,
  type Cleanup,
  nodeConfig,
  NUM_SHARDS,
  rawRequest,
  sharedFleet,
  startRawClient,
  waitUntil,
} from "./_fleet-node-harness.js";
import { protoFields } from "./_fleet-proto-reader.js";

const fleet = sharedFleet(2);
const { node, perTest: testCleanup } = fleet;

const CONTENT_TOPIC = "/fleet-hardening/1/raw/proto";
const PUBSUB_TOPIC = contentTopicToPubsubTopic(CONTENT_TOPIC, CLUSTER_ID, NUM_SHARDS);
const KIB = 1024;

type Client = Awaited<ReturnType<typeof startRawClient>>;

/** A node of its own with some limits lowered, stopped after the test. */
async function limitedNode(cleanup: Cleanup, limits: Partial<NodeLimits>): Promise<ServiceNode> {
  return cleanup.add(await startServiceNode(await nodeConfig(9, { limits })), (started) => started.stop());
}

/** Writes `chunks` as they are (no framing added) on a new stream, then reads the reply frame. */
async function sendRaw(
  client: Client,
  target: ServiceNode,
  codec: string,
  chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
) {
  const stream = await client.dialProtocol(multiaddr(target.identity.multiaddr), codec);
  await stream.sink(chunks);
  const { frame, remoteClosed } = await readFrame(stream);
  await remoteClosed;
  return { frame, stream };
}

/** A framed payload that the protocol's protobuf decoder rejects (field 1, length 127, 1 byte). */
const UNDECODABLE = Uint8Array.of(0x0a, 0x7f, 0x01);
const framed = (payload: Uint8Array) => [encodeFrame(payload)];

/** A light push v3 request whose message payload makes the frame exactly `frameBytes` long. */
function lightPushOfSize(frameBytes: number): Uint8Array {
  const message = { payload: new Uint8Array(0), contentTopic: CONTENT_TOPIC, version: 0 };
  const overhead = proto_lightpush.LightPushRequestV3.encode({ requestId: "big", message }).length + 8;
  const payload = new Uint8Array(frameBytes - overhead).fill(7);
  const request = proto_lightpush.LightPushRequestV3.encode({ requestId: "big", message: { ...message, payload } });
  if (request.length > frameBytes) throw new Error("size arithmetic is off");
  return request;
}

function* inChunks(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

/**
 * The chunks one by one, a turn of the event loop every 8 KiB, as they would arrive from a
 * client on another machine. (This client shares the node's process: sent in one go, its own
 * encryption work would hold the event loop and be blamed on the node.)
 */
async function* trickled(chunks: Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let sent = 0;
  for (const chunk of chunks) {
    if (sent++ % 8 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    yield chunk;
  }
}

describe("frame reading", () => {
  it("reads a 4 MiB frame arriving in 1 KiB chunks in linear time (well under a second of CPU)", async () => {
    const payload = new Uint8Array(MAX_FRAME_BYTES).map((_, index) => index % 251);
    const chunks = [...inChunks(encodeFrame(payload), KIB)];
    const stream = {
      source: (async function* () {
        yield* chunks;
      })(),
    } as unknown as Stream;

    const before = process.cpuUsage();
    const started = performance.now();
    const first = await readFirstFrame(stream);
    const cpu = process.cpuUsage(before);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    console.log(
      `[fleet-hardening] 4 MiB in ${chunks.length} chunks of 1 KiB: ` +
        `${cpuMs.toFixed(0)} ms CPU, ${(performance.now() - started).toFixed(0)} ms wall`,
    );
    expect(first.kind).toBe("frame");
    if (first.kind !== "frame") return;
    expect(first.frame.length).toBe(payload.length);
    expect(first.frame[0]).toBe(0);
    expect(first.frame[payload.length - 1]).toBe((payload.length - 1) % 251);
    // Joining on every chunk (the old reader) copied about 8 GiB here: about 6.8 s of CPU.
    expect(cpuMs).toBeLessThan(1_000);
  });

  it("a 4 MiB request in 1 KiB chunks is answered, and other clients are served meanwhile", { timeout: 180_000 }, async () => {
    const target = node(0);
    const uploader = await startRawClient(testCleanup);
    const other = await startRawClient(testCleanup);
    const request = lightPushOfSize(MAX_FRAME_BYTES);
    const metadataRequest = proto_metadata.WakuMetadataRequest.encode({ clusterId: CLUSTER_ID, shards: [] });
    // Warm the other client's connection, so only the node's own work is timed below.
    await rawRequest(other, target, METADATA_CODEC, metadataRequest);

    const started = performance.now();
    let uploading = true;
    const upload = sendRaw(uploader, target, LIGHT_PUSH_V3_CODEC, trickled(inChunks(encodeFrame(request), KIB))).finally(() => {
      uploading = false;
    });
    const latencies: number[] = [];
    while (uploading) {
      const sent = performance.now();
      await rawRequest(other, target, METADATA_CODEC, metadataRequest);
      latencies.push(performance.now() - sent);
    }
    const { frame } = await upload;
    const took = performance.now() - started;
    const reply = proto_lightpush.LightPushResponseV3.decode(frame ?? new Uint8Array());
    console.log(
      `[fleet-hardening] 4 MiB light push in 1 KiB chunks answered ${reply.statusCode} after ${took.toFixed(0)} ms; ` +
        `meanwhile ${latencies.length} metadata requests, slowest ${Math.max(...latencies).toFixed(0)} ms`,
    );
    expect(reply.statusCode).toBe(413);
    expect(latencies.length).toBeGreaterThan(0);
    // A generous ceiling: the old reader kept the node busy for seconds.
    expect(Math.max(...latencies)).toBeLessThan(2_000);
  });
});

describe("malformed requests get the protocol's error status, not a reset", () => {
  it("filter, store, peer exchange and light push answer an undecodable request with 400", async () => {
    const client = await startRawClient(testCleanup);
    const target = node(0);
    const before = target.stats().malformedRequests;

    const filter = proto_filter_v2.FilterSubscribeResponse.decode(
      (await sendRaw(client, target, FILTER_SUBSCRIBE_CODEC, framed(UNDECODABLE))).frame!,
    );
    expect(filter).toMatchObject({ requestId: "N/A", statusCode: 400 });
    expect(filter.statusDesc).toMatch(/^BAD_REQUEST: undecodable filter subscribe request/);

    const store = proto_store.StoreQueryResponse.decode((await sendRaw(client, target, STORE_CODEC, framed(UNDECODABLE))).frame!);
    expect(store).toMatchObject({ statusCode: 400, messages: [] });
    expect(store.statusDesc).toMatch(/^BAD_REQUEST: undecodable store query/);

    const px = peerExchangeStatus((await sendRaw(client, target, PEER_EXCHANGE_CODEC, framed(UNDECODABLE))).frame!);
    expect(px).toMatchObject({ statusCode: 400, peerInfos: 0 });
    expect(px.statusDesc).toMatch(/^BAD_REQUEST: undecodable peer exchange request/);

    const v3 = proto_lightpush.LightPushResponseV3.decode(
      (await sendRaw(client, target, LIGHT_PUSH_V3_CODEC, framed(UNDECODABLE))).frame!,
    );
    expect(v3).toMatchObject({ requestId: "N/A", statusCode: 400 });
    const v2 = proto_lightpush.PushRpc.decode((await sendRaw(client, target, LIGHT_PUSH_V2_CODEC, framed(UNDECODABLE))).frame!);
    expect(v2.response).toMatchObject({ isSuccess: false });

    expect(target.stats().malformedRequests - before).toBe(5);
  });

  it("a peer-exchange RPC without a query gets 400; a good one gets 200 and still decodes with @waku/proto", async () => {
    const client = await startRawClient(testCleanup);
    const empty = await rawRequest(client, node(0), PEER_EXCHANGE_CODEC, proto_peer_exchange.PeerExchangeRPC.encode({}));
    expect(peerExchangeStatus(empty)).toMatchObject({
      statusCode: 400,
      statusDesc: "BAD_REQUEST: a peer exchange request needs a query",
    });

    const good = await rawRequest(
      client,
      node(0),
      PEER_EXCHANGE_CODEC,
      proto_peer_exchange.PeerExchangeRPC.encode({ query: { numPeers: 5n } }),
    );
    expect(peerExchangeStatus(good)).toEqual({ statusCode: 200, statusDesc: "OK", peerInfos: 1 });
    expect(proto_peer_exchange.PeerExchangeRPC.decode(good).response?.peerInfos).toHaveLength(1);
  });

  it("metadata, which has no error status, closes the stream cleanly without a reply", async () => {
    const client = await startRawClient(testCleanup);
    const { frame, stream } = await sendRaw(client, node(0), METADATA_CODEC, framed(UNDECODABLE));
    expect(frame).toBeUndefined();
    expect(stream.status).not.toBe("reset");
  });

  it("a request cut short, or announced over 4 MiB, gets the error status too", async () => {
    const client = await startRawClient(testCleanup);
    const truncated = await sendRaw(client, node(0), STORE_CODEC, [Uint8Array.of(100), new Uint8Array(10)]);
    const cut = proto_store.StoreQueryResponse.decode(truncated.frame!);
    expect(cut.statusCode).toBe(400);
    expect(cut.statusDesc).toMatch(/in the middle of a frame/);

    // The rest of an oversized request is read and dropped, so the client can finish writing.
    const oversized = await sendRaw(client, node(0), LIGHT_PUSH_V3_CODEC, [
      encodeVarint(MAX_FRAME_BYTES + 1),
      new Uint8Array(64 * KIB),
    ]);
    const tooLarge = proto_lightpush.LightPushResponseV3.decode(oversized.frame!);
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.statusDesc).toMatch(/over the limit/);
  });
});

describe("per-peer bounds", () => {
  const Type = proto_filter_v2.FilterSubscribeRequest.FilterSubscribeType;
  const topics = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => `/fleet-hardening/1/t${from + i}/proto`);

  async function subscribe(client: Client, target: ServiceNode, contentTopics: string[]) {
    const request = proto_filter_v2.FilterSubscribeRequest.encode({
      requestId: "s",
      filterSubscribeType: Type.SUBSCRIBE,
      pubsubTopic: PUBSUB_TOPIC,
      contentTopics,
    });
    return proto_filter_v2.FilterSubscribeResponse.decode(await rawRequest(client, target, FILTER_SUBSCRIBE_CODEC, request));
  }

  it("filter criteria per peer are capped (503, as nwaku); other peers are not affected", async () => {
    const capped = await limitedNode(testCleanup, { maxFilterCriteriaPerPeer: 150 });
    const greedy = await startRawClient(testCleanup);
    expect((await subscribe(greedy, capped, topics(0, 100))).statusCode).toBe(200);
    const refused = await subscribe(greedy, capped, topics(100, 100));
    expect(refused).toMatchObject({
      statusCode: 503,
      statusDesc: "SERVICE_UNAVAILABLE: peer has reached maximum number of filter criteria",
    });
    // Nothing of the refused request was kept: 50 more still fit, and topics it has cost nothing.
    expect((await subscribe(greedy, capped, topics(0, 100))).statusCode).toBe(200);
    expect((await subscribe(greedy, capped, topics(100, 50))).statusCode).toBe(200);
    expect((await subscribe(greedy, capped, topics(150, 1))).statusCode).toBe(503);
    const modest = await startRawClient(testCleanup);
    expect((await subscribe(modest, capped, topics(0, 100))).statusCode).toBe(200);
    expect(capped.stats().filterSubscriptions).toBe(2);
  });

  it("filter subscribers are capped (503 for a new peer beyond the limit)", async () => {
    const capped = await limitedNode(testCleanup, { maxFilterSubscribers: 1 });
    const first = await startRawClient(testCleanup);
    const second = await startRawClient(testCleanup);
    expect((await subscribe(first, capped, topics(0, 1))).statusCode).toBe(200);
    expect(await subscribe(second, capped, topics(0, 1))).toMatchObject({
      statusCode: 503,
      statusDesc: "SERVICE_UNAVAILABLE: node has reached maximum number of subscriptions",
    });
    expect((await subscribe(first, capped, topics(1, 1))).statusCode).toBe(200);
  });

  it("open request streams per peer are capped: the next one is reset, other peers are served", async () => {
    const capped = await limitedNode(testCleanup, { maxStreamsPerPeer: 4 });
    const hoarder = await startRawClient(testCleanup);
    const address = multiaddr(capped.identity.multiaddr);
    const idle: Stream[] = [];
    for (let i = 0; i < 4; i++) idle.push(await hoarder.dialProtocol(address, STORE_CODEC));
    const metadataRequest = proto_metadata.WakuMetadataRequest.encode({ clusterId: CLUSTER_ID, shards: [] });
    // The fifth stream opens on the client's side, then the node resets it.
    const refused = rawRequest(hoarder, capped, METADATA_CODEC, metadataRequest);
    await expect(refused).rejects.toThrow();
    await waitUntil(() => capped.stats().streamsRefused === 1, { what: "the node to count the refused stream" });

    const bystander = await startRawClient(testCleanup);
    expect(
      proto_metadata.WakuMetadataResponse.decode(await rawRequest(bystander, capped, METADATA_CODEC, metadataRequest)).clusterId,
    ).toBe(CLUSTER_ID);
    // Once the hoarder lets its streams go, it is served again.
    for (const stream of idle) stream.abort(new Error("done hoarding"));
    await waitUntil(
      async () =>
        rawRequest(hoarder, capped, METADATA_CODEC, metadataRequest).then(
          () => true,
          () => false,
        ),
      { what: "the hoarder to be served again" },
    );
  });

  it("a stream that stays silent is reset after the idle timeout; a prompt request is served", async () => {
    const idleMs = 300;
    const strict = await limitedNode(testCleanup, { idleStreamTimeoutMs: idleMs });
    const client = await startRawClient(testCleanup);
    // Before the dial: the node's deadline starts once the stream is negotiated, a little later.
    const opened = performance.now();
    const silent = await client.dialProtocol(multiaddr(strict.identity.multiaddr), STORE_CODEC);
    const ending = readFirstFrame(silent).then(
      (first) => first.kind,
      () => "reset",
    );
    expect(await ending).toBe("reset");
    const after = performance.now() - opened;
    console.log(`[fleet-hardening] silent stream reset ${after.toFixed(0)} ms after it opened (idle timeout ${idleMs} ms)`);
    expect(after).toBeGreaterThanOrEqual(idleMs);
    expect(strict.stats().idleStreamsReset).toBe(1);

    const reply = await rawRequest(
      client,
      strict,
      STORE_CODEC,
      proto_store.StoreQueryRequest.encode({
        requestId: "q",
        includeData: false,
        contentTopics: [],
        messageHashes: [],
        paginationForward: true,
      }),
    );
    expect(proto_store.StoreQueryResponse.decode(reply).statusCode).toBe(200);
  });

  it("the store keeps at most storeMaxBytes, dropping the oldest messages", async () => {
    const maxBytes = 20 * KIB;
    const small = await limitedNode(testCleanup, { storeMaxBytes: maxBytes });
    const client = await startRawClient(testCleanup);
    const baseNs = 1_700_000_000_000_000_000n;
    for (let i = 0; i < 40; i++) {
      const message = {
        payload: new Uint8Array(KIB).fill(i),
        contentTopic: CONTENT_TOPIC,
        version: 0,
        timestamp: baseNs + BigInt(i),
      };
      const reply = proto_lightpush.LightPushResponseV3.decode(
        await rawRequest(
          client,
          small,
          LIGHT_PUSH_V3_CODEC,
          proto_lightpush.LightPushRequestV3.encode({ requestId: `p${i}`, message }),
        ),
      );
      expect(reply.statusCode).toBe(200);
    }
    const stats = small.stats();
    console.log(
      `[fleet-hardening] 40 messages of 1 KiB into a 20 KiB store: ${stats.storedMessages} kept, ${stats.storedBytes} bytes`,
    );
    expect(stats.storedBytes).toBeLessThanOrEqual(maxBytes);
    expect(stats.storedMessages).toBeGreaterThan(10);
    expect(stats.storedMessages).toBeLessThan(40);

    const page = proto_store.StoreQueryResponse.decode(
      await rawRequest(
        client,
        small,
        STORE_CODEC,
        proto_store.StoreQueryRequest.encode({
          requestId: "q",
          includeData: true,
          pubsubTopic: PUBSUB_TOPIC,
          contentTopics: [CONTENT_TOPIC],
          messageHashes: [],
          paginationForward: true,
          paginationLimit: 100n,
        }),
      ),
    );
    const kept = page.messages.map((entry) => entry.message?.payload[0]);
    // The newest survive, in order; the oldest went first.
    expect(kept).toEqual(Array.from({ length: stats.storedMessages }, (_, i) => 40 - stats.storedMessages + i));
  });
});

/** Status fields nwaku adds to PeerExchangeResponse (status_code 10, status_desc 11), read by hand. */
function peerExchangeStatus(rpc: Uint8Array): {
  statusCode: number | undefined;
  statusDesc: string | undefined;
  peerInfos: number;
} {
  const response = protoFields(rpc).get(2)?.[0];
  if (!(response instanceof Uint8Array)) throw new Error("no response in the peer exchange RPC");
  const fields = protoFields(response);
  const desc = fields.get(11)?.[0];
  return {
    statusCode: fields.get(10)?.[0] as number | undefined,
    statusDesc: desc instanceof Uint8Array ? new TextDecoder().decode(desc) : undefined,
    peerInfos: fields.get(1)?.length ?? 0,
  };
}
