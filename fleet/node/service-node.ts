/**
 * A Waku service node on loopback: libp2p over websockets with the SDK's own stack
 * (noise, mplex, identify; ping answered by the node itself), serving metadata, light push v2/v3, filter, store and
 * peer exchange to light nodes, and relaying to the other fleet nodes over gossipsub.
 * Usable in-process (tests) and from the child-process entry `main.ts`.
 */
import type { GossipSub } from "@chainsafe/libp2p-gossipsub";
import { noise } from "@chainsafe/libp2p-noise";
import { privateKeyFromProtobuf } from "@libp2p/crypto/keys";
import { identify } from "@libp2p/identify";
import type { Secp256k1PrivateKey } from "@libp2p/interface";
import { mplex } from "@libp2p/mplex";
import { webSockets } from "@libp2p/websockets";
import { protocols as multiaddrProtocols } from "@multiformats/multiaddr";
import { hexToBytes } from "@waku/utils/bytes";
import { createLibp2p, type Libp2p } from "libp2p";
import type { FleetPeer } from "../ipc.js";
import type { Fault, NodeConfig, NodeIdentity, NodeStats, ServedProtocol } from "../types.js";
import { ConnectionDropper } from "./connection-dropper.js";
import { NodeCounters } from "./counters.js";
import { encodeEnr } from "./enr.js";
import { FaultState } from "./faults.js";
import { FilterPusher, filterSubscribeServer } from "./filter.js";
import { FilterSubscriptions } from "./filter-subscriptions.js";
import { FleetPeers } from "./fleet-peers.js";
import { LightPushIntake, lightPushV2Server, lightPushV3Server } from "./light-push.js";
import { resolveLimits } from "./limits.js";
import { MessageRouter } from "./message-router.js";
import { MessageStore } from "./message-store.js";
import { metadataServer } from "./metadata.js";
import { peerExchangeServer } from "./peer-exchange.js";
import { servePing } from "./ping.js";
import { PxFlood } from "./px-flood.js";
import { Relay, wakuGossipsub } from "./relay.js";
import { type RequestContext, type RequestResponseServer, serveRequestResponse } from "./request-response.js";
import { ShardRouting } from "./shard-routing.js";
import { storeServer } from "./store.js";
import { PeerStreamLimiter } from "./stream-guards.js";

export interface ServiceNode {
  readonly identity: NodeIdentity;
  /** The other fleet nodes: dialed for the relay mesh, handed out by peer exchange. */
  setPeers(peers: FleetPeer[]): void;
  /** Replaces the injected faults; `{}` clears them. */
  setFault(fault: Fault): void;
  stats(): NodeStats;
  /** Peer ids of fleet nodes gossipsub knows to share a relay topic with this node. */
  relayPeers(): string[];
  /** Stops libp2p and every timer; idempotent. */
  stop(): Promise<void>;
}

/** The SDK's mplex allows 1024 streams per connection; match it on both sides. */
const MAX_STREAMS_PER_CONNECTION = 1024;

export async function startServiceNode(config: NodeConfig): Promise<ServiceNode> {
  const privateKey = privateKeyFromProtobuf(hexToBytes(config.privateKeyHex));
  if (privateKey.type !== "secp256k1") {
    // ENRs, and so peer exchange, only carry secp256k1 identities.
    throw new Error(`fleet node keys must be secp256k1, got ${privateKey.type}`);
  }
  const serves = new Set(config.protocols);
  const shards = config.shards.length > 0 ? config.shards : allShards(config.numShardsInCluster);
  const routing = new ShardRouting(config.clusterId, config.numShardsInCluster, shards);

  const libp2p = await createLibp2p({
    start: false,
    privateKey,
    addresses: { listen: [`/ip4/127.0.0.1/tcp/${config.port}/ws`] },
    // In Node the websockets transport's default filter already accepts plain ws, which
    // is what fleet nodes dial each other on.
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [mplex({ maxInboundStreams: MAX_STREAMS_PER_CONNECTION, maxOutboundStreams: MAX_STREAMS_PER_CONNECTION })],
    connectionManager: {
      maxConnections: 2000,
      // Everything comes from loopback: without this, libp2p refuses a host's 6th
      // connection per second and its 11th pending one.
      allow: ["/ip4/127.0.0.0/ipcidr/8"],
      reconnectRetries: 20,
      reconnectRetryInterval: 500,
      reconnectBackoffFactor: 1.2,
    },
    // libp2p's monitor aborts a connection whose ping is unanswered for 5 s: it would cut a
    // client whose tab stalled 6 s (a long task, a debugger), which nwaku does not. 30 s still
    // cleans up after a client that froze for good.
    connectionMonitor: { pingTimeout: { minTimeout: 30_000 } },
    services: {
      identify: identify({
        agentVersion: `waku-fleet/${config.role}-${config.index}`,
        maxInboundStreams: 64,
        maxOutboundStreams: 64,
      }),
      ...(serves.has("relay") ? { relay: wakuGossipsub() } : {}),
    },
  });
  try {
    return await assemble(libp2p, config, serves, routing, privateKey);
  } catch (err) {
    await libp2p.stop();
    throw err;
  }
}

async function assemble(
  libp2p: Libp2p<Record<string, unknown>>,
  config: NodeConfig,
  serves: ReadonlySet<ServedProtocol>,
  routing: ShardRouting,
  privateKey: Secp256k1PrivateKey,
): Promise<ServiceNode> {
  const log = libp2p.logger.forComponent(`waku-fleet:node:${config.index}`);
  const limits = resolveLimits(config.limits);
  const faults = new FaultState(config.fault);
  const counters = new NodeCounters();
  const subscriptions = new FilterSubscriptions(config.filterSubscriptionTtlMs, {
    maxCriteriaPerPeer: limits.maxFilterCriteriaPerPeer,
    maxSubscribers: limits.maxFilterSubscribers,
  });
  const archive = serves.has("store")
    ? new MessageStore({ maxMessages: limits.storeMaxMessages, maxBytes: limits.storeMaxBytes })
    : undefined;
  const pusher = serves.has("filter") ? new FilterPusher(libp2p, subscriptions, faults, counters, log) : undefined;
  const fleetPeers = new FleetPeers(libp2p, log);
  const dropper = new ConnectionDropper(faults);
  const flood = new PxFlood(routing, () => counters.tarpitConnections++, log);
  const context: RequestContext = {
    faults,
    dropper,
    streams: new PeerStreamLimiter(limits.maxStreamsPerPeer),
    limits,
    counters,
    log,
  };

  const gossipsub = libp2p.services.relay as GossipSub | undefined;
  const relay = gossipsub
    ? new Relay(gossipsub, routing.pubsubTopics, (topic, message) => router.fromRelay(topic, message), log)
    : undefined;
  const router = new MessageRouter({
    ...(archive ? { archive } : {}),
    ...(pusher ? { pusher } : {}),
    ...(relay ? { relay } : {}),
    counters,
  });

  const intake = new LightPushIntake(routing, router, faults, counters);
  const servers: RequestResponseServer[] = [
    ...(serves.has("metadata") ? [metadataServer(routing, faults)] : []),
    ...(serves.has("lightPush") ? [lightPushV3Server(intake), lightPushV2Server(intake)] : []),
    ...(serves.has("filter") ? [filterSubscribeServer(subscriptions, routing)] : []),
    ...(archive ? [storeServer(archive, faults, counters)] : []),
    ...(serves.has("peerExchange")
      ? [peerExchangeServer({ knownPeers: () => fleetPeers.records(), faults, flood, counters })]
      : []),
  ];
  const applyFault = (fault: Fault) => {
    faults.set(fault);
    dropper.reset();
    // The flood's records take seconds to build: start now, not at the first query.
    if (fault.pxFlood && serves.has("peerExchange")) flood.prepare(fault.pxFlood);
  };
  applyFault(config.fault);
  // Handlers go in before the node listens, so identify never advertises a partial set.
  for (const server of servers) await serveRequestResponse(libp2p, server, context);
  await servePing(libp2p, faults);
  await libp2p.start();
  relay?.start();

  const identity = describeSelf(libp2p, config, routing, privateKey);
  let stopping: Promise<void> | undefined;

  return {
    identity,
    setPeers(peers) {
      if (stopping) return;
      fleetPeers.update(peers);
    },
    setFault(fault) {
      applyFault(fault);
    },
    stats() {
      return {
        connectedPeers: libp2p.getPeers().map((peer) => peer.toString()),
        lightPushReceived: counters.lightPushReceived,
        lightPushRejected: counters.lightPushRejected,
        filterSubscriptions: subscriptions.subscriberCount(),
        filterPushes: counters.filterPushes,
        storeQueries: counters.storeQueries,
        storedMessages: archive?.size ?? 0,
        relayReceived: counters.relayReceived,
        peerExchangeQueries: counters.peerExchangeQueries,
        storedBytes: archive?.bytes ?? 0,
        peerExchangeRecordsSent: counters.peerExchangeRecordsSent,
        tarpitConnections: counters.tarpitConnections,
        connectionsDropped: counters.connectionsDropped,
        streamsRefused: counters.streamsRefused,
        idleStreamsReset: counters.idleStreamsReset,
        malformedRequests: counters.malformedRequests,
      };
    },
    relayPeers() {
      return relay?.peers() ?? [];
    },
    stop() {
      stopping ??= (async () => {
        faults.stop();
        relay?.stop();
        pusher?.close();
        await Promise.all([libp2p.stop(), flood.stop()]);
      })();
      return stopping;
    },
  };
}

function describeSelf(libp2p: Libp2p, config: NodeConfig, routing: ShardRouting, privateKey: Secp256k1PrivateKey): NodeIdentity {
  const peerId = libp2p.peerId.toString();
  const listening = libp2p.getMultiaddrs().find((address) => address.protoNames().includes("ws"));
  if (!listening) throw new Error("libp2p reports no websocket listen address");
  const full = listening.getPeerId() ? listening : listening.encapsulate(`/p2p/${peerId}`);
  const location = full.decapsulateCode(multiaddrProtocols("p2p").code);
  const { port } = location.toOptions();
  return {
    peerId,
    multiaddr: full.toString(),
    enr: encodeEnr({
      privateKey,
      listenAddress: location,
      clusterId: routing.clusterId,
      shards: routing.shards,
      protocols: config.protocols,
    }),
    port,
  };
}

function allShards(numShardsInCluster: number): number[] {
  return Array.from({ length: numShardsInCluster }, (_, shard) => shard);
}
