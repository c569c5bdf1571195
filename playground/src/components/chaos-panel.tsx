import { useEffect, useMemo, useState } from "react";
import type { FleetNodeInfo } from "waku-peers-fleet";
import { fleetControl, type FleetNodeAction } from "waku-peers-fleet/control-client";

const NODE_ACTIONS: FleetNodeAction[] = ["kill", "freeze", "thaw", "restart"];

/** Breaks the local fleet on purpose through its control API, to watch waku-peers react. */
export function ChaosPanel({ control }: { control: { url: string; token: string } }) {
  const client = useMemo(() => fleetControl(control), [control]);
  const [nodes, setNodes] = useState<FleetNodeInfo[]>([]);
  const [error, setError] = useState<string>();

  useEffect(() => {
    let cancelled = false;
    const refresh = () =>
      client.nodes().then(
        (next) => {
          if (cancelled) return;
          setNodes(next);
          setError(undefined);
        },
        (reason: unknown) => !cancelled && setError(String(reason)),
      );
    void refresh();
    const timer = setInterval(refresh, 1000);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [client]);

  const run = (work: () => Promise<unknown>) => {
    work().catch((reason: unknown) => setError(String(reason)));
  };
  const everyNode = (action: FleetNodeAction) => () => Promise.all(nodes.map((node) => client.act(node.index, action)));

  return (
    <div className="chaos" data-testid="chaos-panel">
      <ul className="chaos-nodes">
        {nodes.map((node) => (
          <li key={node.index} className="chaos-node" data-testid={`chaos-node-${node.index}`} data-state={node.state}>
            <span className="chaos-name">
              node {node.index} <span className="muted">{node.role}</span>
            </span>
            <span className={`state state-${node.state}`}>{node.state}</span>
            <span className="chaos-actions">
              {NODE_ACTIONS.map((action) => (
                <button
                  key={action}
                  type="button"
                  data-testid={`chaos-${action}-${node.index}`}
                  onClick={() => run(() => client.act(node.index, action))}
                >
                  {action}
                </button>
              ))}
              {node.fault.lightPushStatus === undefined ? (
                <button
                  type="button"
                  data-testid={`chaos-fail-push-${node.index}`}
                  onClick={() => run(() => client.setFault(node.index, { lightPushStatus: 503 }))}
                >
                  fail light push
                </button>
              ) : (
                <button
                  type="button"
                  data-testid={`chaos-clear-${node.index}`}
                  onClick={() => run(() => client.clearFault(node.index))}
                >
                  clear fault
                </button>
              )}
            </span>
          </li>
        ))}
      </ul>
      <div className="row">
        <button type="button" data-testid="chaos-freeze-all" onClick={() => run(everyNode("freeze"))}>
          freeze all
        </button>
        <button type="button" data-testid="chaos-thaw-all" onClick={() => run(everyNode("thaw"))}>
          thaw all
        </button>
        <button type="button" data-testid="chaos-kill-all" onClick={() => run(everyNode("kill"))}>
          kill all
        </button>
        <button type="button" data-testid="chaos-restart-all" onClick={() => run(everyNode("restart"))}>
          restart all
        </button>
      </div>
      {error && <p className="error">{error}</p>}
    </div>
  );
}
