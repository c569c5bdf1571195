import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin, type UserConfig } from "vite";
import type { PlaygroundConfig } from "./src/config.js";

const VIRTUAL_ID = "virtual:playground-config";
const RESOLVED_ID = `\0${VIRTUAL_ID}`;

/** Hands the runtime configuration (fleet addresses, control token) to the page. */
function playgroundConfigPlugin(config: PlaygroundConfig): Plugin {
  return {
    name: "waku-peers-playground-config",
    resolveId: (id) => (id === VIRTUAL_ID ? RESOLVED_ID : undefined),
    load: (id) => (id === RESOLVED_ID ? `export default ${JSON.stringify(config)};` : undefined),
  };
}

/** Vite config of the playground for a given runtime configuration (used by `npm start` and the e2e tests). */
export function playgroundViteConfig(config: PlaygroundConfig): UserConfig & { configFile: false } {
  return {
    root: fileURLToPath(new URL(".", import.meta.url)),
    configFile: false,
    logLevel: "warn",
    plugins: [playgroundConfigPlugin(config)],
    // "waku-peers-fleet/control-client" (the chaos panel's client) resolves to its source, like in tsc.
    resolve: { tsconfigPaths: true },
    oxc: { jsx: { runtime: "automatic" } },
    server: { host: "127.0.0.1", strictPort: false },
    // The library's sources live outside this root, so Vite's first scan misses their imports and
    // would re-bundle them on first load and reload the page (dropping the node mid-connect).
    optimizeDeps: {
      include: [
        "@waku/sdk",
        "react",
        "react-dom",
        "react-dom/client",
        "react/jsx-runtime",
        "react/jsx-dev-runtime",
        "zustand",
        "zustand/vanilla",
        "zustand/middleware",
        "zustand/shallow",
        "zustand/vanilla/shallow",
      ],
    },
  };
}

// `vite` run directly in playground/ expects the configuration as JSON in an environment variable.
export default defineConfig(() => {
  const raw = process.env.WAKU_PEERS_PLAYGROUND_CONFIG;
  if (!raw) throw new Error("playground: start it with `npm start` (it sets WAKU_PEERS_PLAYGROUND_CONFIG)");
  return playgroundViteConfig(JSON.parse(raw) as PlaygroundConfig);
});
