import type { ReactElement } from "react";

import type { HealthState, ProtocolName } from "../../core/index.js";

const ROWS: { protocol: ProtocolName; label: string }[] = [
  { protocol: "lightPush", label: "Light push" },
  { protocol: "filter", label: "Filter" },
  { protocol: "store", label: "Store" },
  { protocol: "peerExchange", label: "Peer exchange" },
];

/** Connected service peers per protocol against the requirements; a protocol required 0 times is counted, not required. */
export function ProtocolCounts({ health }: { health: HealthState }): ReactElement {
  return (
    <div className="section" data-testid="devtools-counts">
      <h3 className="label">
        Peers per protocol <span className="muted">(connected / required)</span>
      </h3>
      <div className="rows">
        {ROWS.map(({ protocol, label }) => {
          const { connected, required, ok } = health[protocol];
          const counted = required === 0;
          const fill = counted ? Math.min(1, connected / 5) : Math.min(1, connected / required);
          return [
            <span key={`${protocol}-label`}>{label}</span>,
            <span
              key={`${protocol}-count`}
              className="mono"
              data-testid={`devtools-count-${protocol}`}
              data-connected={connected}
              data-required={required}
            >
              {connected} / {required}
            </span>,
            <span key={`${protocol}-meter`} className={`meter ${counted ? "counted" : ok ? "" : "short"}`}>
              <span style={{ width: `${fill * 100}%` }} />
            </span>,
            <span key={`${protocol}-verdict`} className={`small ${counted ? "muted" : ok ? "ok" : "short"}`}>
              {counted ? "counted, not required" : ok ? "met" : `${required - connected} short`}
            </span>,
          ];
        })}
      </div>
      <p className="small muted" style={{ margin: "6px 0 0" }}>
        Overall:{" "}
        <span className={health.overall === "healthy" ? "ok" : health.overall === "degraded" ? "short" : "bad"}>
          {health.overall}
        </span>
      </p>
    </div>
  );
}
