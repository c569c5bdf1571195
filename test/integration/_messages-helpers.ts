// Helpers for the message-layer integration tests: a publisher that stays connected, receivers on
// `watchMessages`, senders on `createOutbox`, a simulated device network, and the store truth.
// Figures are printed with a [messages] prefix; they are measured on loopback on a shared machine.
import {
  bytesToUtf8,
  createLightNode,
  utf8ToBytes,
  type CreateNodeOptions,
  type IDecodedMessage,
  type LightNode,
} from "@waku/sdk";

import { lightNodeOptions, type Fleet } from "waku-peers-fleet";
import {
  createPeerManager,
  manualEnvironment,
  type CreatePeerManagerOptions,
  type ManualEnvironment,
  type PeerManager,
} from "../../src/core/index.js";
import {
  createOutbox,
  watchMessages,
  type MessageStorage,
  type MessageWatcher,
  type Outbox,
  type ReceivedMessage,
} from "../../src/core/index.js";
import { sleep, type Resources } from "./_recovery-helpers.js";

export function log(message: string): void {
  console.log(`[messages] ${message}`);
}

/** A device's network: a connection gater that refuses every dial while offline, and the manager's environment. */
export interface Device {
  readonly environment: ManualEnvironment;
  readonly nodeOptions: CreateNodeOptions;
  goOffline(nodes: readonly LightNode[]): Promise<void>;
  goOnline(): void;
}

export function createDevice(deniedPeerIds: readonly string[] = []): Device {
  let online = true;
  const environment = manualEnvironment({ online: true });
  const denied = new Set(deniedPeerIds);
  const refuse = (): boolean => !online;
  return {
    environment,
    nodeOptions: {
      libp2p: {
        connectionGater: {
          denyDialPeer: (peerId: { toString(): string }) => !online || denied.has(peerId.toString()),
          denyDialMultiaddr: refuse,
          denyOutboundConnection: (peerId: { toString(): string }) => !online || denied.has(peerId.toString()),
          denyOutboundEncryptedConnection: (peerId: { toString(): string }) => !online || denied.has(peerId.toString()),
          denyOutboundUpgradedConnection: refuse,
        },
      },
    },
    async goOffline(nodes) {
      online = false;
      environment.setOnline(false);
      // The radio is gone: every connection drops at once.
      for (const node of nodes) {
        for (const connection of node.libp2p.getConnections()) connection.abort(new Error("device offline"));
      }
    },
    goOnline() {
      online = true;
      environment.setOnline(true);
    },
  };
}

export interface Client {
  node: LightNode;
  manager: PeerManager;
  stop(): Promise<void>;
}

export async function startClient(
  resources: Resources,
  fleet: Fleet,
  device: Device,
  extra: CreateNodeOptions = {},
  managerOptions: CreatePeerManagerOptions = {},
): Promise<Client> {
  const options = lightNodeOptions(fleet, {
    ...device.nodeOptions,
    ...extra,
    libp2p: { ...device.nodeOptions.libp2p, ...extra.libp2p },
  });
  const node = await createLightNode(options);
  const manager = createPeerManager(node, {
    environment: device.environment,
    bootstrapPeers: [...(options.bootstrapPeers ?? [])],
    ...managerOptions,
  });
  let stopped = false;
  const client: Client = {
    node,
    manager,
    async stop() {
      if (stopped) return;
      stopped = true;
      manager.stop();
      await node.stop();
    },
  };
  resources.add("client", client, (value) => value.stop());
  return client;
}

/** Publishes `"<label> <n>"` every `intervalMs` from a node that stays connected; what its peer accepted is the truth. */
export class Publisher {
  readonly accepted: string[] = [];
  readonly refused: string[] = [];
  #running = true;
  #loop: Promise<void>;

  constructor(node: LightNode, contentTopic: string, label: string, intervalMs: number) {
    const encoder = node.createEncoder({ contentTopic });
    this.#loop = (async () => {
      for (let sequence = 0; this.#running; sequence++) {
        const text = `${label} ${sequence}`;
        const result = await node.lightPush
          .send(encoder, { payload: utf8ToBytes(text) }, { autoRetry: false })
          .catch(() => undefined);
        (result !== undefined && result.successes.length > 0 ? this.accepted : this.refused).push(text);
        await sleep(intervalMs);
      }
    })();
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
  }
}

/** What a receiving app saw, across restarts. */
export class Inbox {
  readonly arrivals: ReceivedMessage[] = [];

  record = (message: ReceivedMessage): void => {
    this.arrivals.push(message);
  };

  texts(): string[] {
    return this.arrivals.map((arrival) => bytesToUtf8(arrival.message.payload));
  }

  /** Arrivals whose timestamp is older than one delivered before them. */
  outOfOrder(): number {
    let count = 0;
    let newest = Number.NEGATIVE_INFINITY;
    for (const arrival of this.arrivals) {
      if (arrival.timestamp < newest) count++;
      newest = Math.max(newest, arrival.timestamp);
    }
    return count;
  }

  fromStore(): number {
    return this.arrivals.filter((arrival) => arrival.source === "store").length;
  }
}

export function watch(client: Client, contentTopic: string, inbox: Inbox, storage: MessageStorage): MessageWatcher {
  return watchMessages({ node: client.node, manager: client.manager }, { contentTopic, onMessage: inbox.record, storage });
}

/** Resolves with the ms waited once the watcher's sync status is `status`. */
export function waitForSync(watcher: MessageWatcher, status: string, timeoutMs: number): Promise<number> {
  const started = performance.now();
  if (watcher.getSync().status === status) return Promise.resolve(0);
  return new Promise((resolve, reject) => {
    const unsubscribe = watcher.subscribeSync((sync) => {
      if (sync.status !== status) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(performance.now() - started);
    });
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`sync not ${status} within ${timeoutMs} ms: ${JSON.stringify(watcher.getSync())}`));
    }, timeoutMs);
  });
}

/** Sends `"<label> <n>"` through an outbox every `intervalMs`; the outbox can be swapped (a reload). */
export class OutboxSender {
  readonly hashes = new Map<string, string>();
  readonly refused: string[] = [];
  outbox: Outbox;
  #running = true;
  #loop: Promise<void>;

  constructor(outbox: Outbox, label: string, intervalMs: number) {
    this.outbox = outbox;
    this.#loop = this.#run(label, intervalMs);
  }

  async #run(label: string, intervalMs: number): Promise<void> {
    for (let sequence = 0; this.#running; sequence++) {
      const text = `${label} ${sequence}`;
      try {
        const { hash } = await this.outbox.send(utf8ToBytes(text));
        this.hashes.set(text, hash);
      } catch (error) {
        this.refused.push(`${text}: ${error instanceof Error ? error.message : String(error)}`);
      }
      await sleep(intervalMs);
    }
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
  }
}

export function outboxFor(client: Client, contentTopic: string, storage: MessageStorage): Outbox {
  return createOutbox({ node: client.node, manager: client.manager }, { contentTopic, storage, locks: false });
}

/**
 * Every message of `contentTopic` in the store of the node `peerId`, as text → hashes. Asked up to
 * three times: on a loaded machine the checker's own connection can drop (liveness) mid-query.
 */
export async function storedHashes(
  node: LightNode,
  contentTopic: string,
  peerId: string,
  since: number,
): Promise<Map<string, string[]>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await readStore(node, contentTopic, peerId, since);
    } catch (error) {
      if (attempt >= 3) throw error;
      await sleep(2_000);
    }
  }
}

async function readStore(node: LightNode, contentTopic: string, peerId: string, since: number): Promise<Map<string, string[]>> {
  const peer = node.libp2p.getConnections().find((connection) => connection.remotePeer.toString() === peerId)?.remotePeer;
  if (peer === undefined) throw new Error(`not connected to store node ${peerId}`);
  const found = new Map<string, string[]>();
  const decoder = node.createDecoder({ contentTopic });
  for await (const page of node.store.queryGenerator([decoder], {
    timeStart: new Date(since),
    timeEnd: new Date(Date.now() + 60_000),
    paginationForward: true,
    paginationLimit: 100,
    peerId: peer,
  })) {
    for (const message of (await Promise.all(page)) as (IDecodedMessage | undefined)[]) {
      if (message === undefined) continue;
      const text = bytesToUtf8(message.payload);
      found.set(text, [...(found.get(text) ?? []), message.hashStr]);
    }
  }
  return found;
}
