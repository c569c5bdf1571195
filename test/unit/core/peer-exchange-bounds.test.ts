import { multiaddr } from "@multiformats/multiaddr";
import { secp256k1 } from "@noble/curves/secp256k1";
import { describe, expect, it, vi } from "vitest";

import { encodeEnr, enrBytes } from "../../../fleet/node/enr.js";
import { manualEnvironment } from "../../../src/core/index.js";
import { MAX_PEERS_PER_ANSWER } from "../../../src/core/discovery/bounded-peer-exchange.js";
import { MAX_SDK_QUEUED_DIALS } from "../../../src/core/discovery/bounded-sdk-dials.js";
import { answerRecords, peerExchangeQueryFrame } from "../../../src/core/discovery/peer-exchange-wire.js";
import { decodeRlpByteStrings } from "../../../src/core/discovery/rlp-list.js";
import { RecordScreen } from "../../../src/core/discovery/screen-records.js";
import { encodeVarint } from "../../../src/core/sdk/varint.js";
import type { FakeNode } from "../_harness.js";
import { createFakeNode, FULL, managerHarness, settle, QUIET_PARTS } from "../_harness.js";

const harness = managerHarness({
  fakeTimers: false,
  prepare: (options) => ({
    environment: manualEnvironment(),
    ...QUIET_PARTS,
    recovery: false,
    ...options,
  }),
});

// --- records and answers, built the way nwaku and the fleet build them -------------------------

const keys: Uint8Array[] = [];
/** A validly signed ENR of the n-th identity (keys are made once per test file: signing is the slow part). */
function record(n: number, port: number): Uint8Array {
  keys[n] ??= secp256k1.utils.randomPrivateKey();
  const raw = keys[n] as Uint8Array;
  const enr = encodeEnr({
    privateKey: { raw, publicKey: { raw: secp256k1.getPublicKey(raw, true) } },
    listenAddress: multiaddr(`/ip4/127.0.0.1/tcp/${port}/ws`),
    clusterId: 42,
    shards: [0],
    protocols: ["relay", "store", "filter", "lightPush"],
  });
  return enrBytes(enr);
}

const field = (number: number, bytes: Uint8Array): number[] => [(number << 3) | 2, ...encodeVarint(bytes.length), ...bytes];
/** PeerExchangeRPC { response { peerInfos [{ enr }], status_code 200, status_desc "OK" } }, as a frame. */
function answerFrame(records: readonly Uint8Array[], declaredExtra = 0): Uint8Array {
  const infos = records.flatMap((enr) => field(1, Uint8Array.from(field(1, enr))));
  const response = [...infos, 0x50, ...encodeVarint(200), ...field(11, new TextEncoder().encode("OK"))];
  const message = field(2, Uint8Array.from(response));
  return Uint8Array.from([...encodeVarint(message.length + declaredExtra), ...message]);
}

const tampered = (bytes: Uint8Array): Uint8Array => {
  const copy = bytes.slice();
  copy[copy.length - 1] = (copy[copy.length - 1] as number) ^ 1;
  return copy;
};

describe("the peer-exchange wire format", () => {
  it("walks an answer's records without decoding them, skipping fields it does not know", () => {
    const records = [record(0, 1001), record(1, 1002), Uint8Array.of(1, 2, 3)];
    const frame = answerFrame(records);
    const { records: walked, incomplete } = answerRecords(payloadOf(frame), 100);
    expect(walked.map((bytes) => [...bytes])).toEqual(records.map((bytes) => [...bytes]));
    expect(incomplete).toBe(false);
    expect([...peerExchangeQueryFrame(60)]).toEqual([4, 0x0a, 0x02, 0x08, 60]);
  });

  it("gives the whole records of a cut-off answer, and no more than asked", () => {
    const records = [record(0, 1001), record(1, 1002), record(2, 1003)];
    const payload = payloadOf(answerFrame(records));
    const cut = payload.subarray(0, payload.length - 60 - 40); // into the third record
    expect(answerRecords(cut, 100)).toMatchObject({ records: records.slice(0, 2), incomplete: true });
    expect(answerRecords(payload, 1)).toMatchObject({ records: records.slice(0, 1), incomplete: true });
    expect(answerRecords(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 100)).toMatchObject({
      records: [],
      incomplete: true,
    });
  });

  it("reads an RLP list of byte strings, and nothing else", () => {
    expect(decodeRlpByteStrings(Uint8Array.of(0xc4, 0x01, 0x82, 0xaa, 0xbb))!.map((item) => [...item])).toEqual([
      [1],
      [0xaa, 0xbb],
    ]);
    for (const bad of [
      [],
      [0x01],
      [0xc2, 0x01],
      [0xc2, 0x01, 0x02, 0x03],
      [0xc2, 0xc1, 0x01],
      [0xb8, 0x01, 0x00],
      [0xc1, 0x82, 0x01],
    ]) {
      expect(decodeRlpByteStrings(Uint8Array.from(bad))).toBeUndefined();
    }
  });
});

function payloadOf(frame: Uint8Array): Uint8Array {
  let offset = 0;
  while ((frame[offset] as number) >= 0x80) offset++;
  return frame.subarray(offset + 1);
}

describe("screening records", () => {
  it("drops malformed records and repeated identities, keeps one record per address, uncontested addresses first", () => {
    const screen = new RecordScreen(10, new Set());
    const sybils = [record(10, 2001), record(11, 2001), record(12, 2001)];
    const offered = [
      sybils[0]!,
      record(0, 1001),
      sybils[1]!,
      record(0, 1001),
      Uint8Array.of(0xff, 0xff),
      record(1, 1002).slice(0, 40),
      sybils[2]!,
      record(1, 1002),
      new Uint8Array(400),
    ];
    for (const bytes of offered) screen.offer(bytes);
    const chosen = screen.choose();
    expect(chosen.map(({ record: bytes, contested }) => [bytes, contested])).toEqual([
      [record(0, 1001), false],
      [record(1, 1002), false],
      [sybils[0], true],
    ]);
    expect(screen.counts).toEqual({ offered: 9, malformed: 3, duplicates: 1, sharedAddress: 2, overCap: 0 });
  });

  it("takes at most its cap, and nothing already taken from the same source", () => {
    const screen = new RecordScreen(2, new Set());
    for (let n = 0; n < 5; n++) screen.offer(record(n, 1000 + n));
    const chosen = screen.choose();
    expect(chosen).toHaveLength(2);
    expect(screen.counts.overCap).toBe(3);
    const again = new RecordScreen(10, new Set(chosen.map(({ identity }) => identity)));
    for (let n = 0; n < 5; n++) again.offer(record(n, 1000 + n));
    expect(again.choose()).toHaveLength(3);
    expect(again.counts.duplicates).toBe(2);
  });
});

// --- the SDK's peer exchange, on a leash ---------------------------------------------------------

interface FakeStream {
  written: Uint8Array[];
  aborted: Error | undefined;
}

/** The SDK's peer-exchange discovery as libp2p keeps it, with the SDK's own query (which would decode everything). */
function installFakePeerExchange(fake: FakeNode) {
  const sdkQuery = vi.fn(async () => ({ peerInfos: [], error: null }));
  const protocol = { query: sdkQuery };
  const discovery = { peerExchange: protocol, [Symbol.toStringTag]: "@waku/peer-exchange" };
  (fake.libp2p.components as Record<string, unknown>).components = { "peer-discovery-0": discovery };
  return {
    protocol,
    sdkQuery,
    query: (peerId: string, numPeers = 60) =>
      (protocol.query as (params: unknown) => Promise<QueryResult>)({ numPeers, peerId: { toString: () => peerId } }),
  };
}

interface QueryResult {
  peerInfos: { ENR: { peerInfo?: { id: { toString(): string } } } }[] | null;
  error: string | null;
}

/** A source peer whose peer-exchange streams answer `frame`, in 1 KiB chunks. */
function connectSource(fake: FakeNode, id: string, frame: Uint8Array): { streams: FakeStream[] } {
  const connection = fake.connectPeer(id, { protocols: [...FULL, "peerExchange"] });
  const streams: FakeStream[] = [];
  Object.assign(connection, {
    newStream: async () => {
      const stream: FakeStream = { written: [], aborted: undefined };
      streams.push(stream);
      return {
        sink: async (source: Iterable<Uint8Array>) => void stream.written.push(...source),
        source: (async function* () {
          for (let offset = 0; offset < frame.length && stream.aborted === undefined; offset += 1024)
            yield frame.subarray(offset, offset + 1024);
        })(),
        abort: (error: Error) => {
          stream.aborted = error;
        },
      };
    },
  });
  return { streams };
}

const idsOf = (result: QueryResult): string[] => (result.peerInfos ?? []).map(({ ENR }) => ENR.peerInfo!.id.toString());

describe("the SDK's peer exchange, bounded by the manager", () => {
  it("a clean answer passes whole and silently; the SDK's own decoder is never used", async () => {
    const fake = createFakeNode();
    const px = installFakePeerExchange(fake);
    const records = Array.from({ length: 10 }, (_, n) => record(n, 1000 + n));
    const { streams } = connectSource(fake, "S", answerFrame(records));
    const manager = await harness.start(fake);
    const result = await px.query("S");
    expect(result.error).toBeNull();
    expect(idsOf(result)).toHaveLength(10);
    expect([...streams[0]!.written[0]!]).toEqual([...peerExchangeQueryFrame(60)]);
    expect(px.sdkQuery).not.toHaveBeenCalled();
    expect(manager.store.getState().events.filter((event) => event.type === "discovery")).toEqual([]);
    await px.query("S");
    expect(streams).toHaveLength(2); // asked again: not a flooder
  });

  it("one bad record costs only itself (the SDK drops the whole answer for it)", async () => {
    const fake = createFakeNode();
    const px = installFakePeerExchange(fake);
    const good = Array.from({ length: 5 }, (_, n) => record(n, 1000 + n));
    connectSource(fake, "S", answerFrame([...good, tampered(record(20, 1020))]));
    await harness.start(fake);
    expect(idsOf(await px.query("S"))).toHaveLength(5);
  });

  it("a flood: at most one record per address, uncontested first, capped; the source penalised, never asked again", async () => {
    const fake = createFakeNode();
    fake.connectPeer("A", { protocols: [...FULL] });
    const px = installFakePeerExchange(fake);
    const genuine = [record(0, 1001), record(1, 1002)];
    const sybils = Array.from({ length: 120 }, (_, n) => record(100 + n, 2000 + (n % 40)));
    const flood = [...sybils.slice(0, 60), genuine[0]!, Uint8Array.of(0xff), ...sybils.slice(60), genuine[1]!];
    const { streams } = connectSource(fake, "S", answerFrame(flood));
    const manager = await harness.start(fake);
    const ids = idsOf(await px.query("S"));
    expect(ids).toHaveLength(MAX_PEERS_PER_ANSWER); // 2 genuine + 40 addresses, capped
    const genuineIds = (await Promise.all(genuine.map(decodeId))).sort();
    expect(ids.slice(0, 2).sort()).toEqual(genuineIds);
    const events = manager.store.getState().events;
    expect(events.find((event) => event.type === "discovery" && event.peerId === "S")?.detail).toBe(
      `peer exchange: 123 records for 60 asked; ${MAX_PEERS_PER_ANSWER} taken, 1 malformed, 0 duplicates, ` +
        `80 on an address already named, ${42 - MAX_PEERS_PER_ANSWER} over the cap`,
    );
    expect(events.some((event) => event.type === "peer:replaced" && event.peerId === "S")).toBe(true);
    expect(fake.libp2p.getConnections().map((connection) => connection.remotePeer.toString())).toEqual(["A"]);
    fake.connectPeer("S", { protocols: [...FULL, "peerExchange"] }); // back anyway (say the gate were missing)
    expect(await px.query("S")).toEqual({ peerInfos: [], error: null });
    expect(streams).toHaveLength(1);
  });

  it("a reply announcing more than 1 MiB is read no further: the stream is reset and the source banned", async () => {
    const fake = createFakeNode();
    const px = installFakePeerExchange(fake);
    const frame = answerFrame([record(0, 1001)], 4 * 1024 * 1024);
    const padded = new Uint8Array(frame.length + 1_100_000);
    padded.set(frame);
    const { streams } = connectSource(fake, "S", padded);
    await harness.start(fake);
    const result = await px.query("S");
    expect(streams[0]!.aborted?.message).toMatch(/over 1048576 bytes/);
    expect(idsOf(result)).toEqual([await decodeId(record(0, 1001))]); // what arrived whole is still screened and used
    expect(await px.query("S")).toEqual({ peerInfos: [], error: null });
    expect(streams).toHaveLength(1);
  });

  /** One peer taken from a source's answer, with what the SDK writes next: addresses and its tag, no protocols yet. */
  async function onePeerTaken() {
    const fake = createFakeNode();
    const px = installFakePeerExchange(fake);
    connectSource(fake, "S", answerFrame([record(0, 1001)]));
    const manager = await harness.start(fake);
    const [id] = idsOf(await px.query("S")) as [string];
    fake.updatePeer(id, { tags: ["peer-exchange"] });
    return { fake, manager, id };
  }

  it("peers taken become dial candidates once the peer store has their addresses; one failed dial forgets them", async () => {
    const { fake, manager, id } = await onePeerTaken();
    fake.scriptDial(id, "fail");
    await manager.reconnect({ timeoutMs: 50 });
    expect(fake.dials.filter((dialed) => dialed === id)).toHaveLength(1);
    await manager.reconnect({ timeoutMs: 50 });
    expect(fake.dials.filter((dialed) => dialed === id)).toHaveLength(1);
  });

  it("a peer taken that once connected stays a candidate after a failed dial, until identify says it serves none", async () => {
    const { fake, manager, id } = await onePeerTaken();
    fake.connectPeer(id, { identify: false }); // reached, then gone before identify ran (a spare killed at once)
    fake.disconnectPeer(id);
    fake.scriptDial(id, "fail");
    const dialsOf = () => fake.dials.filter((dialed) => dialed === id).length;
    await manager.reconnect({ timeoutMs: 50 });
    await manager.reconnect({ timeoutMs: 50 });
    expect(dialsOf()).toBe(2); // a real peer that went away, not a flood's dead address: dialed again
    fake.updatePeer(id, { protocols: [] }); // a short protocol list in the peer store (before identify) changes nothing
    await manager.reconnect({ timeoutMs: 50 });
    expect(dialsOf()).toBe(3);
    fake.connectPeer(id, { protocols: [] }); // identify answered: no Waku service
    fake.disconnectPeer(id);
    await manager.reconnect({ timeoutMs: 50 });
    await manager.reconnect({ timeoutMs: 50 });
    expect(dialsOf()).toBe(4); // one more failure forgets it, as for any peer taken
  });

  it("the SDK's query is its own again once the manager stops", async () => {
    const fake = createFakeNode();
    const px = installFakePeerExchange(fake);
    const manager = await harness.start(fake);
    expect(px.protocol.query).not.toBe(px.sdkQuery);
    manager.stop();
    expect(px.protocol.query).toBe(px.sdkQuery);
  });
});

async function decodeId(bytes: Uint8Array): Promise<string> {
  const { EnrDecoder } = await import("@waku/enr");
  return (await EnrDecoder.fromRLP(bytes)).peerId!.toString();
}

// --- the SDK's dial queue ----------------------------------------------------------------------

describe("the SDK's dial queue, bounded by the manager", () => {
  function installFakeDialer(fake: FakeNode) {
    const dialer = {
      dialingQueue: [] as { toString(): string }[],
      // Like the SDK's: dial at once when idle, else queue (here it is never idle).
      dial: vi.fn(async function (this: { dialingQueue: unknown[] }, peerId: { toString(): string }) {
        this.dialingQueue.push(peerId);
      }),
    };
    const original = dialer.dial;
    Object.assign(fake.node, { connectionManager: { dialer } });
    return { dialer, original };
  }
  const peer = (id: string) => ({ toString: () => id });

  it("holds each peer once, no peer we keep out, and at most its bound", async () => {
    const fake = createFakeNode();
    fake.connectPeer("B", { protocols: [...FULL] });
    const { dialer } = installFakeDialer(fake);
    const manager = await harness.start(fake);
    for (let failure = 0; failure < 3; failure++) manager.reportFailure("B", "lightPush");
    await dialer.dial(peer("B")); // replaced, so kept out
    for (let round = 0; round < 3; round++) for (let n = 0; n < 10; n++) await dialer.dial(peer(`P${n}`));
    expect(dialer.dialingQueue.map(String)).toEqual(Array.from({ length: 10 }, (_, n) => `P${n}`));
    for (let n = 10; n < 100; n++) await dialer.dial(peer(`P${n}`));
    expect(dialer.dialingQueue).toHaveLength(MAX_SDK_QUEUED_DIALS);
  });

  it("is the SDK's own again once the manager stops", async () => {
    const fake = createFakeNode();
    const { dialer, original } = installFakeDialer(fake);
    const manager = await harness.start(fake);
    expect(dialer.dial).not.toBe(original);
    manager.stop();
    expect(dialer.dial).toBe(original);
    await settle();
  });
});
