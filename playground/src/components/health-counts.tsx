import { usePeerHealth, type ProtocolName } from "../../../src/index.js";

const LABELS: Record<ProtocolName, string> = {
  lightPush: "Light push",
  filter: "Filter",
  store: "Store",
  peerExchange: "Peer exchange",
};
const ORDER: ProtocolName[] = ["lightPush", "filter", "store", "peerExchange"];

export function HealthCounts() {
  const health = usePeerHealth();
  return (
    <table className="counts">
      <tbody>
        {ORDER.map((protocol) => {
          const { connected, required, ok } = health[protocol];
          return (
            <tr key={protocol} className={ok ? "ok" : "short"}>
              <th>{LABELS[protocol]}</th>
              <td data-testid={`count-${protocol}`} data-connected={connected} data-required={required}>
                {connected} / {required}
              </td>
              <td>{ok ? "✓" : "below requirement"}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
