/**
 * Starts the playground: the local fleet (or none, for the public network), its control API and
 * a Vite dev server on 127.0.0.1. Shared by `npm start` and the browser end-to-end tests.
 */
import { createServer, type ViteDevServer } from "vite";
import { lightNodeOptions, startControlApi, startFleet, type Fleet, type FleetOptions } from "waku-peers-fleet";
import type { PlaygroundConfig } from "./src/config.js";
import { playgroundViteConfig } from "./vite.config.js";

export const PLAYGROUND_CONTENT_TOPIC = "/waku-peers/1/playground/proto";

export interface PlaygroundOptions {
  /** Use the public Waku network (default bootstrap over wss) instead of a local fleet. */
  public?: boolean;
  fleet?: FleetOptions;
  /** Port of the page; 0 picks a free one. Default 5173 (next free if taken). */
  port?: number;
}

export interface RunningPlayground {
  url: string;
  fleet: Fleet | undefined;
  control: { url: string; token: string } | undefined;
  close(): Promise<void>;
}

export async function startPlayground(options: PlaygroundOptions = {}): Promise<RunningPlayground> {
  let fleet: Fleet | undefined;
  let control: Awaited<ReturnType<typeof startControlApi>> | undefined;
  let vite: ViteDevServer | undefined;
  const close = async () => {
    await vite?.close();
    await control?.close();
    await fleet?.close();
  };
  try {
    let config: PlaygroundConfig;
    if (options.public) {
      config = {
        mode: "public",
        nodeOptions: { defaultBootstrap: true, networkConfig: { clusterId: 1, numShardsInCluster: 8 } },
        contentTopic: PLAYGROUND_CONTENT_TOPIC,
      };
    } else {
      fleet = await startFleet({ nodes: 5, bootstrap: 1, ...options.fleet });
      control = await startControlApi(fleet);
      config = {
        mode: "fleet",
        nodeOptions: lightNodeOptions(fleet),
        control: { url: control.url, token: control.token },
        fleetNodes: fleet.nodes.map(({ index, peerId, role }) => ({ index, peerId, role })),
        contentTopic: PLAYGROUND_CONTENT_TOPIC,
      };
    }
    const viteConfig = playgroundViteConfig(config);
    vite = await createServer({ ...viteConfig, server: { ...viteConfig.server, port: options.port ?? 5173 } });
    await vite.listen();
    const url = vite.resolvedUrls?.local[0];
    if (!url) throw new Error("playground: the dev server did not report a URL");
    return { url, fleet, control: control && { url: control.url, token: control.token }, close };
  } catch (error) {
    await close();
    throw error;
  }
}
