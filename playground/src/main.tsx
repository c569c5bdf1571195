import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import config from "virtual:playground-config";
import { WakuPeersProvider } from "../../src/index.js";
import { App } from "./app.js";
import "./styles.css";

const root = document.getElementById("root");
if (!root) throw new Error("playground: #root is missing from index.html");

// StrictMode on purpose: the provider must never leave a second started node behind.
createRoot(root).render(
  <StrictMode>
    <WakuPeersProvider options={config.nodeOptions}>
      <App config={config} />
    </WakuPeersProvider>
  </StrictMode>,
);
