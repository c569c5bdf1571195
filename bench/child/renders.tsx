/**
 * Child task of the render benchmark: a status badge (`useConnectionStatus`) and a counts panel
 * (`usePeerHealth`) under `<WakuPeersProvider node={fake}>` with shipped defaults, beside the same
 * two components written naively (a hook that listens to libp2p directly and sets state on every
 * event), all mounted at once on the same fake node in happy-dom, under scripted peer traffic.
 * After every action the oracle (../lib/oracle.ts) says what the UI should show; ours should
 * render exactly once per change of it.
 */
import "./dom.js";

import type { LightNode } from "@waku/sdk";
import { act, useEffect, useState, type ReactElement } from "react";
import { createRoot } from "react-dom/client";

import type { Libp2pLike } from "../../src/core/index.js";
import { WakuPeersProvider, useConnectionStatus, usePeerHealth } from "../../src/index.js";
import { followNaively, type NaiveCounts } from "../lib/naive-counts.js";
import { createOracle, healthKey, overallOf } from "../lib/oracle.js";
import { applyAction, countingFakeNode, peerScript } from "../lib/peer-script.js";
import type { ChildIo } from "./io.js";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

export interface RendersParams {
  actions: number;
}

export interface RendersResult {
  actions: number;
  events: number;
  badge: { ours: number; naive: number; changes: number };
  counts: { ours: number; naive: number; changes: number };
}

const renders = { badge: 0, counts: 0, naiveBadge: 0, naiveCounts: 0 };

function Badge(): ReactElement {
  renders.badge += 1;
  const { status } = useConnectionStatus();
  return <span className="badge">{status}</span>;
}

function CountsPanel(): ReactElement {
  renders.counts += 1;
  const health = usePeerHealth();
  return (
    <p className={health.overall}>
      {health.lightPush.connected}/{health.filter.connected}/{health.store.connected}
    </p>
  );
}

const NO_COUNTS: NaiveCounts = { lightPush: 0, filter: 0, store: 0, peerExchange: 0 };

/** The naive hook: listens to libp2p itself and sets fresh counts on every event. */
function useNaiveCounts(libp2p: Libp2pLike): NaiveCounts {
  const [counts, setCounts] = useState(NO_COUNTS);
  useEffect(() => followNaively(libp2p, setCounts), [libp2p]);
  return counts;
}

function NaiveBadge({ libp2p }: { libp2p: Libp2pLike }): ReactElement {
  renders.naiveBadge += 1;
  const overall = overallOf(useNaiveCounts(libp2p));
  return <span className="badge">{overall}</span>;
}

function NaiveCountsPanel({ libp2p }: { libp2p: Libp2pLike }): ReactElement {
  renders.naiveCounts += 1;
  const counts = useNaiveCounts(libp2p);
  return (
    <p>
      {counts.lightPush}/{counts.filter}/{counts.store}
    </p>
  );
}

/** Lets the manager's microtask commit, the peer store reads and React's updates all land. */
const settle = (): Promise<void> =>
  act(async () => {
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setTimeout(resolve, 0));
  });

export async function run(params: RendersParams, io: ChildIo): Promise<RendersResult> {
  const { fake, events } = countingFakeNode();
  const container = document.createElement("div");
  document.body.appendChild(container);
  const root = createRoot(container);
  await act(async () => {
    root.render(
      <>
        <WakuPeersProvider node={fake.node as unknown as LightNode}>
          <Badge />
          <CountsPanel />
        </WakuPeersProvider>
        <NaiveBadge libp2p={fake.libp2p} />
        <NaiveCountsPanel libp2p={fake.libp2p} />
      </>,
    );
  });
  await settle();

  // Counted from here: the mount and the provider attaching are not peer events.
  const oracle = createOracle(fake.libp2p);
  let shown = await oracle.sample();
  let statusChanges = 0;
  let healthChanges = 0;
  for (const key of Object.keys(renders) as (keyof typeof renders)[]) renders[key] = 0;
  const eventsBefore = events();

  const script = peerScript(params.actions);
  for (const [index, action] of script.entries()) {
    await act(async () => {
      applyAction(fake, action);
    });
    await settle();
    const next = await oracle.sample();
    if (next.status !== shown.status) statusChanges += 1;
    if (healthKey(next) !== healthKey(shown)) healthChanges += 1;
    shown = next;
    if ((index + 1) % 250 === 0) io.log(`renders: ${index + 1}/${script.length} actions`);
  }
  const result: RendersResult = {
    actions: script.length,
    events: events() - eventsBefore,
    badge: { ours: renders.badge, naive: renders.naiveBadge, changes: statusChanges },
    counts: { ours: renders.counts, naive: renders.naiveCounts, changes: healthChanges },
  };
  await act(async () => root.unmount());
  return result;
}
