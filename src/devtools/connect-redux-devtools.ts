import type { StoreSource, Unwatch } from "../core/index.js";
import { describeChanges } from "./describe-changes.js";

/** The part of the Redux DevTools extension's connection this bridge uses. */
export interface ReduxDevtoolsConnection {
  init(state: unknown): void;
  send(action: { type: string }, state: unknown): void;
  unsubscribe?(): void;
}

/** `window.__REDUX_DEVTOOLS_EXTENSION__`, or a stand-in (tests, other tools speaking its protocol). */
export interface ReduxDevtoolsExtension {
  connect(options: { name?: string; features?: Record<string, boolean> }): ReduxDevtoolsConnection;
}

export interface ConnectReduxDevtoolsOptions {
  /** The instance's name in the extension. Default `"waku-peers"`. */
  name?: string;
  /** Default: `globalThis.__REDUX_DEVTOOLS_EXTENSION__`; nothing happens without one. */
  extension?: ReduxDevtoolsExtension;
}

// Read-only: the state is derived from libp2p, so time travel, dispatch and import would lie.
const FEATURES = {
  pause: true,
  export: true,
  lock: false,
  persist: false,
  jump: false,
  skip: false,
  reorder: false,
  dispatch: false,
  import: false,
  test: false,
};
const noop: Unwatch = () => {};

/**
 * Shows a peer manager's state in the Redux DevTools extension, one named action per change
 * (`status/connected`, `peer/added`, `peer/score`, `recovery/attempt`, `reconnect/progress`,
 * `lost/lost`, `error/TIMEOUT`, `environment/offline`, …). Read-only: the extension cannot jump,
 * skip or dispatch. Development only — in a production build (`NODE_ENV=production`) it does
 * nothing — and without the extension it does nothing. Returns the disconnect.
 *
 * @example
 * const disconnect = connectReduxDevtools(manager, { name: "chat app peers" });
 * // later
 * disconnect();
 */
export function connectReduxDevtools(source: StoreSource, options: ConnectReduxDevtoolsOptions = {}): Unwatch {
  if (process.env.NODE_ENV === "production") return noop;
  const extension =
    options.extension ?? (globalThis as { __REDUX_DEVTOOLS_EXTENSION__?: ReduxDevtoolsExtension }).__REDUX_DEVTOOLS_EXTENSION__;
  if (extension === undefined) return noop;
  const connection = extension.connect({ name: options.name ?? "waku-peers", features: FEATURES });
  connection.init(source.store.getState());
  const unsubscribe = source.store.subscribe((state, previous) => {
    for (const action of describeChanges(previous, state)) connection.send(action, state);
  });
  return () => {
    unsubscribe();
    connection.unsubscribe?.();
  };
}
