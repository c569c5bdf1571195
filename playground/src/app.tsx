import type { PlaygroundConfig } from "./config.js";
import { ConnectionBadge } from "./components/connection-badge.js";
import { HealthCounts } from "./components/health-counts.js";
import { ReconnectButton } from "./components/reconnect-button.js";
import { CountsTimeline } from "./components/counts-timeline.js";
import { PeersTable } from "./components/peers-table.js";
import { ChaosPanel } from "./components/chaos-panel.js";
import { SendBox } from "./components/send-box.js";
import { EventLog } from "./components/event-log.js";

export function App({ config }: { config: PlaygroundConfig }) {
  return (
    <div className="page">
      <header className="header">
        <div>
          <h1>waku-peers playground</h1>
          <p className="subtitle">
            {config.mode === "fleet"
              ? `Local fleet of ${config.fleetNodes?.length ?? 0} Waku service nodes on 127.0.0.1`
              : "Public Waku network"}
          </p>
        </div>
        <ConnectionBadge />
      </header>
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
        <section className="card wide">
          <h2>Peers</h2>
          <PeersTable fleetNodes={config.fleetNodes ?? []} />
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
        <section className="card wide">
          <h2>Recent events</h2>
          <EventLog />
        </section>
      </main>
    </div>
  );
}
