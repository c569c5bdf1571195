// An app that uses the main entry and renders <WakuPeersDevtools /> from "waku-peers/devtools":
// bundled by the bundle-devtools-prod row, where a production build must leave the panel out.
import { createElement } from "react";

import { WakuPeersDevtools } from "../../src/devtools/index.js";

export * from "../../src/index.js";
export const Devtools = () => createElement(WakuPeersDevtools, { initialIsOpen: true });
