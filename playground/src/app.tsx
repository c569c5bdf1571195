import { WakuPeersDevtools, WakuPeersDevtoolsPanel } from "../../src/devtools/index.js";
import type { PlaygroundConfig } from "./config.js";
import { ConnectionBadge } from "./components/connection-badge.js";
import { HealthCounts } from "./components/health-counts.js";
import { ReconnectButton } from "./components/reconnect-button.js";
import { CountsTimeline } from "./components/counts-timeline.js";
import { ChaosPanel } from "./components/chaos-panel.js";
import { SendBox } from "./components/send-box.js";
import { Legend } from "./components/legend.js";

/** `?devtools=floating` shows the devtools as the floating panel an app would use, instead of in the page. */
const floatingDevtools = new URLSearchParams(window.location.search).get("devtools") === "floating";

export function App({ config }: { config: PlaygroundConfig }) {
  const peerLabels = Object.fromEntries(
    (config.fleetNodes ?? []).map((node) => [node.peerId, `node ${node.index} (${node.role})`]),
  );
  return (
    <div className="page">
      <header className="header">
        <div>
          <h1>waku-peers playground</h1>
          <p className="muted">
            {config.mode === "fleet"
              ? `Local fleet of ${config.fleetNodes?.length ?? 0} Waku service nodes on 127.0.0.1`
              : "Public Waku network"}
          </p>
        </div>
        <ConnectionBadge />
      </header>
      <Legend />
      <main className="grid">
        <section className="card">
          <h2>Service peers</h2>
          <HealthCounts />
          <ReconnectButton />
        </section>
        <section className="card">
          <h2>Counts over time</h2>
          <CountsTimeline />
        </section>
        {config.control && (
          <section className="card">
            <h2>Chaos</h2>
            <ChaosPanel control={config.control} />
          </section>
        )}
        <section className="card">
          <h2>Send and receive</h2>
          <SendBox contentTopic={config.contentTopic} />
        </section>
        {!floatingDevtools && (
          <section className="card wide">
            <h2>
              Devtools{" "}
              <span className="muted">&lt;WakuPeersDevtoolsPanel /&gt; from waku-peers/devtools: peers, recovery, events</span>
            </h2>
            <WakuPeersDevtoolsPanel peerLabels={peerLabels} />
          </section>
        )}
      </main>
      {floatingDevtools && <WakuPeersDevtools peerLabels={peerLabels} />}
    </div>
  );
}
