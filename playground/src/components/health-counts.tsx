import { usePeerHealth, type ProtocolName } from "../../../src/index.js";

const LABELS: Record<ProtocolName, string> = {
  lightPush: "Light push",
  filter: "Filter",
  store: "Store",
  peerExchange: "Peer exchange",
};
const ORDER: ProtocolName[] = ["lightPush", "filter", "store", "peerExchange"];

/** Connected / required per protocol; a protocol nothing requires is counted, not required. */
export function HealthCounts() {
  const health = usePeerHealth();
  return (
    <table className="counts">
      <thead>
        <tr>
          <th>Protocol</th>
          <th>connected / required</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {ORDER.map((protocol) => {
          const { connected, required, ok } = health[protocol];
          const counted = required === 0;
          return (
            <tr key={protocol} className={counted ? "counted" : ok ? "ok" : "short"}>
              <th>{LABELS[protocol]}</th>
              <td data-testid={`count-${protocol}`} data-connected={connected} data-required={required}>
                {connected} / {required}
              </td>
              <td>{counted ? "counted, not required" : ok ? "✓ met" : `${required - connected} below requirement`}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
