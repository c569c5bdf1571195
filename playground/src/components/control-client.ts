import type { Fault, FleetNodeInfo } from "waku-peers-fleet";

export type NodeAction = "kill" | "stop" | "freeze" | "thaw" | "restart";

/** A tiny client for the fleet's control API; the token comes from `npm start`. */
export function controlClient(control: { url: string; token: string }) {
  const request = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${control.url}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${control.token}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    const text = await response.text();
    return text ? (JSON.parse(text) as unknown) : undefined;
  };
  return {
    async nodes(): Promise<FleetNodeInfo[]> {
      const body = (await request("GET", "/nodes")) as FleetNodeInfo[] | { nodes: FleetNodeInfo[] };
      return Array.isArray(body) ? body : body.nodes;
    },
    act: (index: number, action: NodeAction) => request("POST", `/nodes/${index}/${action}`),
    setFault: (index: number, fault: Fault) => request("PUT", `/nodes/${index}/fault`, fault),
    clearFault: (index: number) => request("DELETE", `/nodes/${index}/fault`),
  };
}
