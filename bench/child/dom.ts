/**
 * Browser globals from happy-dom for the React benchmarks. Imported first by a task module (ESM
 * evaluates imports in order), so react-dom sees a DOM when it loads. Only ever in a child
 * process: the parent's end-to-end rows run the SDK as in Node, with no `window` about.
 */
import { Window } from "happy-dom";

const window = new Window({ url: "http://localhost/" });

// What react-dom and our provider touch. `localStorage` included: in a browser the peer cache is on
// by default, and the benchmarks run the shipped defaults.
const GLOBALS = [
  "window",
  "document",
  "navigator",
  "localStorage",
  "HTMLElement",
  "HTMLIFrameElement",
  "Node",
  "Event",
  "MouseEvent",
  "KeyboardEvent",
  "getComputedStyle",
  "requestAnimationFrame",
  "cancelAnimationFrame",
] as const;

for (const name of GLOBALS) {
  const value = name === "window" ? window : (window as unknown as Record<string, unknown>)[name];
  const isMethod = typeof value === "function" && /^[a-z]/.test(name);
  Object.defineProperty(globalThis, name, {
    configurable: true,
    writable: true,
    value: isMethod ? (value as (...args: unknown[]) => unknown).bind(window) : value,
  });
}
