"use client";
import { useEffect, useMemo, useRef } from "react";

import type { CreatePeerManagerOptions } from "../core/index.js";
import { WakuPeersError } from "../core/index.js";
import type { ParsedOptions } from "../core/options/parse-options.js";
import { MANAGER_OPTION_KEYS, parseOptions } from "../core/options/parse-options.js";
import { unknownKey } from "../core/options/schema.js";
import { structurallyEqual } from "./structural.js";
import { useLatest } from "./use-latest.js";
import { useStructurallyStable } from "./use-structurally-stable.js";

/**
 * Callbacks the manager calls later, never at creation: safe to forward to the latest prop, so a new function identity
 * changes nothing.
 */
const CALLBACK_KEYS = ["random", "rediscover", "recreateNode", "parseMultiaddr"] as const;
type CallbackKey = (typeof CALLBACK_KEYS)[number];

/** Objects with state of their own (timers, listeners, storage): compared by identity, never by content. */
const IDENTITY_PATHS: readonly (readonly string[])[] = [["clock"], ["environment"], ["peerCache", "storage"]];

/** Renders in a row a seam may change identity before the development warning says it is probably inline. */
const CHURN_RENDERS = 3;

const PROVIDER_KEYS = ["options", "node", "children"];

/**
 * The provider's peer manager props, ready for the controller: validated during render (misuse
 * throws here, where an error boundary shows it — also outside development), callbacks forwarded
 * to their latest value, seams compared by identity and the rest by content, so inline props
 * never recreate the manager. Unknown props are refused in development and dropped in production.
 *
 * @throws {WakuPeersError} `INVALID_OPTIONS` / `INVALID_REQUIREMENTS`.
 */
export function useManagerOptions(props: Record<string, unknown>): { options: CreatePeerManagerOptions; parsed: ParsedOptions } {
  const known = knownProps(props);
  const forwarders = useForwarders(useLatest(known));
  const withForwarders = { ...known };
  for (const key of CALLBACK_KEYS) if (typeof known[key] === "function") withForwarders[key] = forwarders[key];
  const options = useStructurallyStable(withForwarders as CreatePeerManagerOptions, sameManagerOptions);
  const parsed = useMemo(() => parseOptions(options), [options]);
  useChurnWarning(known);
  return { options, parsed };
}

function knownProps(props: Record<string, unknown>): Record<string, unknown> {
  const unknown = Object.keys(props).filter((key) => !MANAGER_OPTION_KEYS.includes(key));
  if (unknown.length === 0) return props;
  if (typeof process !== "undefined" && process.env.NODE_ENV !== "production") {
    throw new WakuPeersError(
      "INVALID_OPTIONS",
      unknown.map((key) => `${unknownKey(key, key, [...MANAGER_OPTION_KEYS, ...PROVIDER_KEYS])} on <WakuPeersProvider>`),
    );
  }
  return Object.fromEntries(Object.entries(props).filter(([key]) => !unknown.includes(key)));
}

/** One stable function per callback prop, calling whatever the latest render passed. */
function useForwarders(latest: { readonly current: Record<string, unknown> }): Record<CallbackKey, unknown> {
  return useMemo(() => {
    const call =
      (key: CallbackKey) =>
      (...args: unknown[]) =>
        (latest.current[key] as (...args: unknown[]) => unknown)(...args);
    return Object.fromEntries(CALLBACK_KEYS.map((key) => [key, call(key)])) as Record<CallbackKey, unknown>;
  }, [latest]);
}

function sameManagerOptions(a: CreatePeerManagerOptions, b: CreatePeerManagerOptions): boolean {
  return (
    IDENTITY_PATHS.every((path) => valueAt(a, path) === valueAt(b, path)) && structurallyEqual(withoutSeams(a), withoutSeams(b))
  );
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>(
    (current, key) => (typeof current === "object" && current !== null ? (current as Record<string, unknown>)[key] : undefined),
    value,
  );
}

function withoutSeams(options: CreatePeerManagerOptions): unknown {
  const { clock: _clock, environment: _environment, peerCache, ...rest } = options;
  if (typeof peerCache !== "object" || peerCache === null) return { ...rest, peerCache };
  const { storage: _storage, ...cache } = peerCache;
  return { ...rest, peerCache: cache };
}

/**
 * Development only: a seam whose identity changes on every render recreates the manager every
 * render. Counted per commit (an effect), so StrictMode's double render counts once.
 */
function useChurnWarning(props: Record<string, unknown>): void {
  const state = useRef<{ previous: readonly unknown[] | undefined; renders: number; warned: boolean }>({
    previous: undefined,
    renders: 0,
    warned: false,
  });
  const seams = IDENTITY_PATHS.map((path) => valueAt(props, path));
  useEffect(() => {
    const churn = state.current;
    if (churn.warned || !(typeof process !== "undefined" && process.env.NODE_ENV !== "production")) return;
    const changed = IDENTITY_PATHS.filter(
      (_, index) => churn.previous !== undefined && seams[index] !== undefined && seams[index] !== churn.previous[index],
    );
    churn.previous = seams;
    churn.renders = changed.length > 0 ? churn.renders + 1 : 0;
    if (churn.renders < CHURN_RENDERS) return;
    churn.warned = true;
    warnChurn(changed.map((path) => path.join(".")).join(", "));
  });
}

function warnChurn(names: string): void {
  console.warn(
    `[waku-peers] <WakuPeersProvider> got a new ${names} on ${CHURN_RENDERS} renders in a row, so its peer manager was ` +
      "recreated each time. These are compared by identity: create them once (module scope or useMemo).",
  );
}
