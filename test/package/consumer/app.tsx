// A browser app written against the packed waku-peers, type-checked the way a Vite + React 19 app
// is (strict, moduleResolution "bundler", DOM, no Node types). It uses every public entry: the
// package test reads package.json "exports" and fails when an entry is not imported here, so a new
// entry is one more import line (plus a use of it) in the ENTRIES section.
import { WakuProvider } from "@waku/react";
import { createLightNode, type CreateNodeOptions, type LightNode } from "@waku/sdk";
import { StrictMode, useEffect, useState, type ReactElement } from "react";

// ENTRIES: one import per public entry of waku-peers.
import * as wakuPeers from "waku-peers";
import * as core from "waku-peers/core";
import * as internal from "waku-peers/core/internal";
import * as devtools from "waku-peers/devtools";
import * as devtoolsInProduction from "waku-peers/devtools/production";
import * as messages from "waku-peers/messages";
import * as testing from "waku-peers/testing";
import * as wakuReact from "waku-peers/waku-react";

const nodeOptions: CreateNodeOptions = {
  defaultBootstrap: false,
  bootstrapPeers: ["/ip4/127.0.0.1/tcp/60000/ws/p2p/16Uiu2HAm8kqKZtFbCNpg7b5MFDxmXgEWbmiHo1Y1aDQFTGg1PNHE"],
  networkConfig: { clusterId: 42, numShardsInCluster: 8 },
  libp2p: { filterMultiaddrs: false },
};

function Badge(): ReactElement {
  const result = wakuPeers.useConnectionStatus();
  const health = wakuPeers.usePeerHealth();
  const filter: wakuPeers.ProtocolHealth = wakuPeers.usePeerHealth("filter");
  const { reconnect, isReconnecting, progress, error } = wakuPeers.useReconnect();
  const peers: readonly wakuPeers.PeerInfo[] = wakuPeers.usePeers();
  const events = wakuPeers.useWakuPeers((state) => state.events);
  const node: LightNode | undefined = wakuPeers.useWakuNode();
  wakuPeers.useLostConnectionListener((signal: wakuPeers.LostConnectionSignal) => console.info(signal));
  // The result is discriminated by status: narrowing on the flag narrows the status.
  const connected: "connected" | undefined = result.isConnected ? result.status : undefined;
  const status: wakuPeers.ConnectionStatus = result.status;
  const onClick = async (): Promise<void> => {
    const outcome: wakuPeers.ReconnectResult = await reconnect({ hard: true });
    if (!outcome.ok) console.warn(outcome.error?.code, outcome.error?.message);
  };
  return (
    <button type="button" className={health.overall} disabled={isReconnecting} onClick={() => void onClick()}>
      {connected ?? status} · {filter.connected}/{filter.required} · {peers.length} peers · {events.length}
      {progress ? ` ${progress.dialed}/${progress.total}` : ""} {error?.code} {node ? "node" : "no node"}
    </button>
  );
}

/** The message hooks: receive with back-fill, send through the durable outbox. */
function Chat(): ReactElement {
  const { messages: received, sync } = messages.useMessages("/consumer/1/chat/proto");
  const { send, canSend, pending } = messages.useSend("/consumer/1/chat/proto");
  const [lastId, setLastId] = useState<string>();
  const status = messages.useSendStatus(lastId);
  const outbox = messages.useOutbox("/consumer/1/chat/proto");
  messages.useMessageListener("/consumer/1/chat/proto", (message) => console.info(message.hash, message.source));
  const onSend = async (): Promise<void> => {
    const { id } = await send(new TextEncoder().encode("hello"));
    setLastId(id);
  };
  return (
    <button type="button" disabled={!canSend} onClick={() => void onSend()}>
      {received.length} received · {sync.status} · {pending} pending · {status?.status ?? "-"} · {outbox.items.length}
    </button>
  );
}

export function AppWithOptions(): ReactElement {
  return (
    <StrictMode>
      <wakuPeers.WakuPeersProvider options={nodeOptions} requirements={{ lightPush: 2, filter: 2, store: 1 }}>
        <Badge />
        <Chat />
        <devtools.WakuPeersDevtools initialIsOpen={false} position="bottom-left" peerLabels={{ "16Uiu2HAm": "ours" }} />
      </wakuPeers.WakuPeersProvider>
    </StrictMode>
  );
}

/** A support page that shows the devtools panel in production builds too, and the Redux DevTools bridge. */
export function SupportPage({ manager }: { manager: core.PeerManager }): ReactElement {
  useEffect(() => devtools.connectReduxDevtools(manager, { name: "consumer peers" }), [manager]);
  devtools.useReduxDevtools({ manager, name: "consumer peers (hook)" });
  const props: devtools.WakuPeersDevtoolsPanelProps = { manager };
  return <devtoolsInProduction.WakuPeersDevtoolsPanel {...props} />;
}

/** What a component test does: the real hooks over a mock manager, a story on fake timers, the message mocks. */
export async function componentTest(): Promise<ReactElement> {
  const manager: testing.MockPeerManager = testing.createMockPeerManager({ status: "connected" }, { requirements: { store: 1 } });
  manager.setReconnect({ ok: false, delayMs: 500, error: { code: "TIMEOUT", message: "slow" } });
  const story: testing.Scenario = testing.scenario(manager, [
    { after: 1_000, lose: true },
    { after: 5_000, restore: true },
  ]);
  const node: testing.MockWakuNode = testing.createMockWakuNode(manager);
  node.sendResult = { error: "Remote peer rejected" };
  const hash: string = await node.deliver("/consumer/1/chat/proto", "hello", { via: "store" });
  await story.done;
  console.info(hash, manager.calls.reconnect.length, node.sent.length);
  return (
    <testing.MockWakuPeersProvider manager={manager} node={node}>
      <Badge />
      <Chat />
    </testing.MockWakuPeersProvider>
  );
}

export function AppWithOwnNode(): ReactElement {
  const [node, setNode] = useState<LightNode>();
  useEffect(() => {
    let created: LightNode | undefined;
    void createLightNode({ ...nodeOptions }).then((value) => {
      created = value;
      setNode(value);
    });
    return () => void created?.stop();
  }, []);
  return (
    <wakuPeers.WakuPeersProvider node={node} lostConnectionGraceMs={3_000}>
      <Badge />
    </wakuPeers.WakuPeersProvider>
  );
}

export function AppInsideWakuReact(): ReactElement {
  return (
    <WakuProvider options={{ defaultBootstrap: true }}>
      <wakuReact.WakuReactPeersProvider requirements={{ store: 1 }}>
        <Badge />
      </wakuReact.WakuReactPeersProvider>
    </WakuProvider>
  );
}

/** The core without React: a selector subscription is what the shipped store types must allow. */
export async function watchWithoutReact(node: LightNode): Promise<() => void> {
  const manager: core.PeerManager = core.createPeerManager(node, {
    requirements: core.DEFAULT_REQUIREMENTS,
    environment: core.manualEnvironment(),
  });
  const store: core.PeersStore = manager.store;
  const offStatus = store.subscribe(
    (state: core.WakuPeersState) => state.status,
    (status, previous) => console.info(`${previous} → ${status}`),
    { fireImmediately: true },
  );
  const offAll = store.subscribe((state, previous) => console.info(state.health.overall, previous.health.overall));
  const result: core.ReconnectResult = await manager.reconnect();
  console.info(result.ok, result.status, result.durationMs);
  const health: core.HealthState = internal.computeHealth(internal.NO_PEERS, internal.resolveRequirements({ store: 1 }));
  console.info(health.overall, internal.deriveStatus, core.isWakuPeersError(new Error("not ours")));
  const unwatch: core.Unwatch = core.watchConnectionStatus(manager, { onChange: ({ status }) => console.info(status) });
  const filter: core.ProtocolHealth = core.getPeerHealth(manager, "filter");
  const lastError: core.WakuPeersFailure | undefined = manager.store.getState().lastError;
  console.info(filter.ok, lastError?.code, core.getConnectionStatus(manager).isConnected, core.DEFAULT_OPTIONS);
  // The hooks also read a manager that the app runs itself.
  const manual: wakuPeers.WakuPeersHookParameters = { manager };
  console.info(manual);
  return () => {
    unwatch();
    offStatus();
    offAll();
    manager.stop();
  };
}
