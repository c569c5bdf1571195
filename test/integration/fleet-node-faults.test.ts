/**
 * Every injectable fault, observed from a real @waku/sdk light node (or, for the
 * metadata answer itself, from a raw request): what the client sees while the fault is
 * on, and that clearing it restores normal service.
 */
import { LightPushError, type IDecodedMessage, type LightNode, Protocols, utf8ToBytes } from "@waku/sdk";
import { proto_metadata } from "@waku/proto";
import { afterEach, describe, expect, it } from "vitest";
import { METADATA_CODEC } from "../../fleet/node/metadata.js";
import { CLUSTER_ID, rawRequest, sharedFleet, startLightNode, startRawClient, waitUntil } from "./_fleet-node-harness.js";

const fleet = sharedFleet(3);
const { node, perTest: testCleanup } = fleet;
// Faults outlive a test otherwise: every test starts from a well-behaved fleet.
afterEach(() => {
  for (const fleetNode of fleet.all()) fleetNode.setFault({});
});

async function subscribe(light: LightNode, contentTopic: string): Promise<IDecodedMessage[]> {
  const received: IDecodedMessage[] = [];
  expect(await light.filter.subscribe(light.createDecoder({ contentTopic }), (message) => void received.push(message))).toBe(
    true,
  );
  return received;
}

describe("faults", () => {
  it("lightPushStatus: pushes are refused with that status and go nowhere", async () => {
    const [a, b] = [node(0), node(1)];
    const sender = await startLightNode(testCleanup, [a]);
    const encoder = sender.createEncoder({ contentTopic: "/fleet-node-test/1/fault-push/proto" });
    const before = { a: a.stats(), b: b.stats() };

    a.setFault({ lightPushStatus: 503 });
    for (const useLegacy of [false, true]) {
      const result = await sender.lightPush.send(
        encoder,
        { payload: utf8ToBytes(`refused ${useLegacy}`) },
        { autoRetry: false, useLegacy },
      );
      expect(result.successes).toEqual([]);
      expect(result.failures.map((failure) => failure.error)).toEqual([LightPushError.REMOTE_PEER_REJECTED]);
    }
    expect(a.stats().lightPushRejected - before.a.lightPushRejected).toBe(2);
    expect(a.stats().storedMessages).toBe(before.a.storedMessages);

    // Cleared: the next message is accepted and relayed, and it is the only one B ever saw.
    a.setFault({});
    const accepted = await sender.lightPush.send(encoder, { payload: utf8ToBytes("accepted") }, { autoRetry: false });
    expect(accepted.failures).toEqual([]);
    await waitUntil(() => b.stats().relayReceived > before.b.relayReceived, { what: "B to receive the accepted message" });
    expect(b.stats().relayReceived - before.b.relayReceived).toBe(1);
    expect(a.stats().storedMessages - before.a.storedMessages).toBe(1);
  });

  it("filterSilent: subscriptions and pings succeed but nothing is pushed", async () => {
    const [a, b, c] = [node(0), node(1), node(2)];
    const contentTopic = "/fleet-node-test/1/fault-silent/proto";
    const sender = await startLightNode(testCleanup, [a]);
    const silenced = await startLightNode(testCleanup, [b]);
    const control = await startLightNode(testCleanup, [c]);
    b.setFault({ filterSilent: true });
    const subscriptionsBefore = b.stats().filterSubscriptions;
    const onSilenced = await subscribe(silenced, contentTopic);
    const onControl = await subscribe(control, contentTopic);
    await waitUntil(() => b.stats().filterSubscriptions === subscriptionsBefore + 1, { what: "B to accept the subscription" });

    const before = b.stats();
    const encoder = sender.createEncoder({ contentTopic });
    expect((await sender.lightPush.send(encoder, { payload: utf8ToBytes("not for B") }, { autoRetry: false })).failures).toEqual(
      [],
    );
    // C pushed it and B received it over relay: had B pushed, it would have done so by now.
    await waitUntil(() => onControl.length === 1 && b.stats().relayReceived > before.relayReceived, { what: "the control push" });
    expect(onSilenced).toEqual([]);
    expect(b.stats().filterPushes).toBe(before.filterPushes);

    b.setFault({});
    expect((await sender.lightPush.send(encoder, { payload: utf8ToBytes("for B too") }, { autoRetry: false })).failures).toEqual(
      [],
    );
    await waitUntil(() => onSilenced.length === 1, { what: "B to push once the fault is cleared" });
  });

  it("storeError: queries fail with that status code and no messages", async () => {
    const a = node(0);
    const light = await startLightNode(testCleanup, [a]);
    const contentTopic = "/fleet-node-test/1/fault-store/proto";
    expect(
      (await light.lightPush.send(light.createEncoder({ contentTopic }), { payload: utf8ToBytes("kept") }, { autoRetry: false }))
        .failures,
    ).toEqual([]);
    const query = async () => {
      const texts: string[] = [];
      for await (const page of light.store.queryGenerator([light.createDecoder({ contentTopic })])) {
        for (const message of await Promise.all(page)) if (message) texts.push(new TextDecoder().decode(message.payload));
      }
      return texts;
    };
    a.setFault({ storeError: 500 });
    await expect(query()).rejects.toThrow(/status code: 500/);
    a.setFault({});
    expect(await query()).toEqual(["kept"]);
  });

  it("latencyMs: every reply is delayed by that long", async () => {
    const a = node(0);
    const light = await startLightNode(testCleanup, [a]);
    const encoder = light.createEncoder({ contentTopic: "/fleet-node-test/1/fault-latency/proto" });
    const timedSend = async () => {
      const started = performance.now();
      const result = await light.lightPush.send(encoder, { payload: utf8ToBytes("slow") }, { autoRetry: false });
      expect(result.failures).toEqual([]);
      return performance.now() - started;
    };
    // The best of a few: one send on a loaded machine can take 100 ms or more by itself.
    const baseline = Math.min(await timedSend(), await timedSend(), await timedSend());
    a.setFault({ latencyMs: 400 });
    const delayed = await timedSend();
    expect(baseline).toBeLessThan(400);
    // A lower bound only: load can make a reply later, never earlier.
    expect(delayed).toBeGreaterThanOrEqual(400);
  });

  it("wrongCluster: metadata names another cluster and the SDK stops using the node", async () => {
    const a = node(0);
    a.setFault({ wrongCluster: 7 });
    const client = await startRawClient(testCleanup);
    const answer = proto_metadata.WakuMetadataResponse.decode(
      await rawRequest(
        client,
        a,
        METADATA_CODEC,
        proto_metadata.WakuMetadataRequest.encode({ clusterId: CLUSTER_ID, shards: [] }),
      ),
    );
    expect(answer.clusterId).toBe(7);

    const light = await startLightNode(testCleanup, [a]);
    // waitForPeers runs the metadata handshake, which records the node's (wrong) cluster.
    await light.waitForPeers([Protocols.LightPush], 10_000);
    const result = await light.lightPush.send(
      light.createEncoder({ contentTopic: "/fleet-node-test/1/fault-cluster/proto" }),
      { payload: utf8ToBytes("nowhere") },
      { autoRetry: false },
    );
    expect(result.successes).toEqual([]);
    expect(result.failures.map((failure) => failure.error)).toEqual([LightPushError.NO_PEER_AVAILABLE]);
  });
});
