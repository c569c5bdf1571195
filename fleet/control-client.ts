/**
 * A client for a fleet's control API (see `control-api.ts`), for code that does not hold the
 * `Fleet` object: a browser page (the playground's chaos panel), or a vitest test file whose fleet
 * lives in the global setup's process (`waku-peers-fleet/vitest`). Only `fetch`: it runs in
 * browsers and in Node alike, and imports nothing of the fleet's Node side.
 */
import type { Fault, FleetNodeInfo, NodeStats } from "./types.js";

/** What the control API printed or handed over: its `http://127.0.0.1:<port>` URL and token. */
export interface FleetControlAddress {
  url: string;
  token: string;
}

export type FleetNodeAction = "kill" | "stop" | "freeze" | "thaw" | "restart";

export interface FleetControl {
  nodes(): Promise<FleetNodeInfo[]>;
  /** `kill`, `stop`, `freeze`, `thaw` or `restart` node `index`; resolves with the node once done. */
  act(index: number, action: FleetNodeAction): Promise<FleetNodeInfo>;
  kill(index: number): Promise<FleetNodeInfo>;
  stop(index: number): Promise<FleetNodeInfo>;
  freeze(index: number): Promise<FleetNodeInfo>;
  thaw(index: number): Promise<FleetNodeInfo>;
  restart(index: number): Promise<FleetNodeInfo>;
  /** Any of the faults (`{ lightPushStatus: 503 }`…); `{}` clears them. */
  setFault(index: number, fault: Fault): Promise<FleetNodeInfo>;
  clearFault(index: number): Promise<FleetNodeInfo>;
  stats(index: number): Promise<NodeStats>;
}

/** A failed control API request: its HTTP status and the API's error text. */
export class FleetControlError extends Error {
  override readonly name = "FleetControlError";
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/**
 * @example
 * const fleet = fleetControl(inject("wakuFleet").control);
 * await fleet.kill(1);
 * await fleet.restart(1);
 * await fleet.setFault(0, { lightPushStatus: 503 });
 */
export function fleetControl(address: FleetControlAddress): FleetControl {
  const request = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${address.url}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${address.token}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new FleetControlError(response.status, `${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  };
  const node = async (method: string, path: string, body?: unknown) =>
    (await request<{ node: FleetNodeInfo }>(method, path, body)).node;
  const act = (index: number, action: FleetNodeAction) => node("POST", `/nodes/${index}/${action}`);
  return {
    nodes: async () => (await request<{ nodes: FleetNodeInfo[] }>("GET", "/nodes")).nodes,
    act,
    kill: (index) => act(index, "kill"),
    stop: (index) => act(index, "stop"),
    freeze: (index) => act(index, "freeze"),
    thaw: (index) => act(index, "thaw"),
    restart: (index) => act(index, "restart"),
    setFault: (index, fault) => node("PUT", `/nodes/${index}/fault`, fault),
    clearFault: (index) => node("DELETE", `/nodes/${index}/fault`),
    stats: async (index) => (await request<{ stats: NodeStats }>("GET", `/nodes/${index}/stats`)).stats,
  };
}
