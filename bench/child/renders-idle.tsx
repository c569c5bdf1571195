/**
 * Child task of the idle-render benchmark: a real light node connected to the fleet, under
 * `<WakuPeersProvider node={node}>` with shipped defaults (liveness pinging every service peer
 * every 2 s, the filter canary, recovery), in happy-dom, with three components — one per hook
 * (`usePeers`, `usePeerHealth`, `useConnectionStatus`) — and a naive component that sets state on
 * every libp2p event. Once connected and settled, renders are counted for the window: nothing
 * changes on an idle connection, so ours should render nothing.
 */
import "./dom.js";

import { createLightNode, type CreateNodeOptions, type LightNode } from "@waku/sdk";
import { useEffect, useState, type ReactElement } from "react";
import { createRoot } from "react-dom/client";

import type { Libp2pLike } from "../../src/core/index.js";
import { WakuPeersProvider, useConnectionStatus, usePeerHealth, usePeers } from "../../src/index.js";
import { followNaively, NAIVE_EVENTS, type NaiveCounts } from "../lib/naive-counts.js";
import { sleep } from "../lib/time.js";
import type { ChildIo } from "./io.js";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = false;

export interface RendersIdleParams {
  /** Light node options for the fleet (plain JSON). */
  options: CreateNodeOptions;
  /** How long renders are counted once connected. */
  windowMs: number;
  /** After `connected`, before counting: identify, the first pings, the canary's first look. */
  settleMs: number;
  connectTimeoutMs: number;
}

export interface RendersIdleResult {
  windowMs: number;
  renders: { peers: number; health: number; status: number; naive: number };
  /** libp2p events during the window (what the naive component renders for). */
  events: number;
  /** The status at the end of the window. */
  status: string;
}

const renders = { peers: 0, health: 0, status: 0, naive: 0 };
let status = "idle";

function Peers(): ReactElement {
  renders.peers += 1;
  const peers = usePeers();
  return (
    <ul>
      {peers.map((peer) => (
        <li key={peer.id}>{peer.rttMs ?? "?"}</li>
      ))}
    </ul>
  );
}

function Health(): ReactElement {
  renders.health += 1;
  const health = usePeerHealth();
  return (
    <p>
      {health.lightPush.connected}/{health.filter.connected}/{health.store.connected}
    </p>
  );
}

function Status(): ReactElement {
  renders.status += 1;
  status = useConnectionStatus().status;
  return <span>{status}</span>;
}

const NO_COUNTS: NaiveCounts = { lightPush: 0, filter: 0, store: 0, peerExchange: 0 };

function Naive({ libp2p }: { libp2p: Libp2pLike }): ReactElement {
  renders.naive += 1;
  const [counts, setCounts] = useState(NO_COUNTS);
  useEffect(() => followNaively(libp2p, setCounts), [libp2p]);
  return <p>{counts.lightPush}</p>;
}

function countEvents(libp2p: Libp2pLike): { count(): number; stop(): void } {
  // The events the naive hook follows: what "nothing happened on libp2p" means for both sides.
  const names = NAIVE_EVENTS;
  let events = 0;
  const bump = (): void => void events++;
  for (const name of names) libp2p.addEventListener(name, bump);
  return {
    count: () => events,
    stop: () => {
      for (const name of names) libp2p.removeEventListener(name, bump);
    },
  };
}

export async function run(params: RendersIdleParams, io: ChildIo): Promise<RendersIdleResult> {
  const node: LightNode = await createLightNode(params.options);
  const libp2p = node.libp2p as unknown as Libp2pLike;
  const container = document.createElement("div");
  document.body.appendChild(container);
  const root = createRoot(container);
  try {
    root.render(
      <>
        <WakuPeersProvider node={node}>
          <Peers />
          <Health />
          <Status />
        </WakuPeersProvider>
        <Naive libp2p={libp2p} />
      </>,
    );
    const deadline = Date.now() + params.connectTimeoutMs;
    while (status !== "connected") {
      if (Date.now() > deadline) throw new Error(`not connected within ${params.connectTimeoutMs} ms (status ${status})`);
      await sleep(50);
    }
    io.log(`renders-idle: connected; settling ${params.settleMs} ms, then counting for ${params.windowMs} ms`);
    await sleep(params.settleMs);
    for (const key of Object.keys(renders) as (keyof typeof renders)[]) renders[key] = 0;
    const events = countEvents(libp2p);
    await sleep(params.windowMs);
    events.stop();
    return { windowMs: params.windowMs, renders: { ...renders }, events: events.count(), status };
  } finally {
    root.unmount();
    await node.stop().catch(() => {});
  }
}
