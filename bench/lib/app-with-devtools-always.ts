// The same app with "waku-peers/devtools/production" (the panel is never switched off): what the
// devtools weigh when they are in the build, for the bundle-devtools row.
import { createElement } from "react";

import { WakuPeersDevtools } from "../../src/devtools/production.js";

export * from "../../src/index.js";
export const Devtools = () => createElement(WakuPeersDevtools, { initialIsOpen: true });
