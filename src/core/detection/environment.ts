import { createListeners } from "../lifetime/listeners.js";

/**
 * What the device says about its own connectivity and the page's life. Only ever a hint: browsers
 * report `online` behind captive portals and dead Wi-Fi, and a page coming back from the
 * back/forward cache or a frozen tab says nothing about its sockets. The manager answers every
 * hint with a check (liveness pings, a recovery attempt) and never concludes anything from it alone.
 *
 * - `online` / `offline`: `navigator.onLine` changed.
 * - `visible` / `hidden`: `visibilitychange`.
 * - `pageshow`: the page was shown again, possibly restored from the back/forward cache.
 * - `freeze` / `resume`: the browser froze the page (Page Lifecycle API) and woke it up.
 */
export type EnvironmentEvent =
  | { type: "online" }
  | { type: "offline" }
  | { type: "visible" }
  | { type: "hidden" }
  | { type: "pageshow" }
  | { type: "freeze" }
  | { type: "resume" };

export type EnvironmentHint = EnvironmentEvent["type"];

export interface Environment {
  isOnline(): boolean;
  /** Returns an unsubscribe. */
  subscribe(listener: (event: EnvironmentEvent) => void): () => void;
}

/** An environment driven by hand: tests, Node processes, apps with their own connectivity source. */
export interface ManualEnvironment extends Environment {
  /** Sets the online flag; emits `online`/`offline` only when it changes. */
  setOnline(online: boolean): void;
  /** Emits a hint. `online`/`offline` also set the flag. */
  emit(hint: EnvironmentHint): void;
  /** Listeners currently subscribed (for leak checks). */
  listenerCount(): number;
}

/**
 * @example
 * const environment = manualEnvironment();
 * const manager = createPeerManager(node, { environment });
 * environment.setOnline(false); // the manager stops dialing; `online` → checks at once
 */
export function manualEnvironment(options: { online?: boolean } = {}): ManualEnvironment {
  let online = options.online ?? true;
  const listeners = createListeners<EnvironmentEvent>();
  const dispatch = (hint: EnvironmentHint): void => listeners.emit({ type: hint } as EnvironmentEvent);
  return {
    isOnline: () => online,
    subscribe: listeners.add,
    setOnline(next) {
      if (next === online) return;
      online = next;
      dispatch(next ? "online" : "offline");
    },
    emit(hint) {
      if (hint === "online") online = true;
      if (hint === "offline") online = false;
      dispatch(hint);
    },
    listenerCount: () => listeners.size,
  };
}

interface EventTargetLike {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

interface BrowserGlobals {
  window?: EventTargetLike;
  document?: EventTargetLike & { visibilityState?: string };
  navigator?: { onLine?: boolean };
}

/**
 * The browser's signals, TanStack's `onlineManager`/`focusManager` habit: window and document
 * listeners are attached only while someone is subscribed, and only where a `window` exists, so
 * importing or creating it on a server (or in Node) touches nothing and reports online.
 *
 * @example
 * const manager = createPeerManager(node, { environment: browserEnvironment() }); // the default
 */
export function browserEnvironment(globals: BrowserGlobals = globalThis as BrowserGlobals): Environment {
  const listeners = createListeners<EnvironmentEvent>();
  let detach: (() => void) | undefined;

  const dispatch = (hint: EnvironmentHint): void => listeners.emit({ type: hint } as EnvironmentEvent);

  const attach = (): (() => void) | undefined => {
    const { window: target, document: doc } = globals;
    if (target === undefined || typeof target.addEventListener !== "function") return undefined;
    const removals: (() => void)[] = [];
    const on = (where: EventTargetLike, type: string, handler: () => void): void => {
      where.addEventListener(type, handler);
      removals.push(() => where.removeEventListener(type, handler));
    };
    on(target, "online", () => dispatch("online"));
    on(target, "offline", () => dispatch("offline"));
    on(target, "pageshow", () => dispatch("pageshow"));
    if (doc !== undefined && typeof doc.addEventListener === "function") {
      on(doc, "visibilitychange", () => dispatch(doc.visibilityState === "hidden" ? "hidden" : "visible"));
      // Page Lifecycle API (Chromium): fired on document.
      on(doc, "freeze", () => dispatch("freeze"));
      on(doc, "resume", () => dispatch("resume"));
    }
    return () => {
      for (const remove of removals) remove();
    };
  };

  return {
    isOnline() {
      const flag = globals.navigator?.onLine;
      return typeof flag === "boolean" ? flag : true;
    },
    subscribe(listener) {
      const remove = listeners.add(listener);
      if (listeners.size === 1) detach = attach();
      return () => {
        const before = listeners.size;
        remove();
        if (before > 0 && listeners.size === 0) {
          detach?.();
          detach = undefined;
        }
      };
    },
  };
}
