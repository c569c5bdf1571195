// A stand-in for fleet/node/main.ts speaking the same IPC, so supervisor mechanics can be tested
// without libp2p. FAKE_NODE_MODE=crash exits before `ready`; =error reports an error message;
// =silent says `loaded` but never answers `start`; =mute says nothing at all.
import { createServer } from "node:net";
import type { ChildMessage, FleetPeer, ParentMessage } from "../../fleet/ipc.js";
import { peerIdOfKey } from "../../fleet/keys.js";
import type { NodeConfig } from "waku-peers-fleet";

const reply = (message: ChildMessage) => process.send?.(message);
let config: NodeConfig | undefined;
let peers: FleetPeer[] = [];
const server = createServer((socket) => socket.destroy());

process.on("disconnect", () => process.exit(0));
if (process.env.FAKE_NODE_MODE !== "mute") reply({ type: "loaded" });
process.on("message", (message: ParentMessage) => {
  switch (message.type) {
    case "start": {
      config = message.config;
      if (process.env.FAKE_NODE_MODE === "crash") {
        console.error("fake node: crashing on purpose");
        process.exit(3);
      }
      if (process.env.FAKE_NODE_MODE === "silent" || process.env.FAKE_NODE_MODE === "mute") return;
      if (process.env.FAKE_NODE_MODE === "error") {
        reply({ type: "error", message: "fake node: refusing to start" });
        return;
      }
      server.listen({ host: "127.0.0.1", port: config.port }, () => {
        const address = server.address();
        const port = typeof address === "object" && address ? address.port : 0;
        const peerId = peerIdOfKey(config!.privateKeyHex);
        reply({
          type: "ready",
          peerId,
          port,
          enr: `enr:fake-${config!.index}`,
          multiaddr: `/ip4/127.0.0.1/tcp/${port}/ws/p2p/${peerId}`,
        });
      });
      return;
    }
    case "peers":
      peers = message.peers;
      return;
    case "set-fault":
      if (config) config.fault = message.fault;
      reply({ type: "fault-set", requestId: message.requestId });
      return;
    case "stats":
      reply({
        type: "stats",
        requestId: message.requestId,
        stats: {
          connectedPeers: peers.map((peer) => peer.peerId),
          lightPushReceived: 0,
          lightPushRejected: 0,
          filterSubscriptions: 0,
          filterPushes: 0,
          storeQueries: 0,
          storedMessages: 0,
          relayReceived: 0,
          peerExchangeQueries: 0,
          storedBytes: 0,
          peerExchangeRecordsSent: 0,
          tarpitConnections: 0,
          connectionsDropped: 0,
          streamsRefused: 0,
          idleStreamsReset: 0,
          malformedRequests: 0,
        },
      });
      return;
    case "stop":
      server.close(() => process.exit(0));
      return;
  }
});
