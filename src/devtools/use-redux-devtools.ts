"use client";
import { useEffect } from "react";

import { useWakuPeersContext, type WakuPeersHookParameters } from "../provider/context.js";
import { connectReduxDevtools, type ConnectReduxDevtoolsOptions } from "./connect-redux-devtools.js";

export interface UseReduxDevtoolsParameters extends ConnectReduxDevtoolsOptions, WakuPeersHookParameters {}

/**
 * {@link connectReduxDevtools} for the nearest `<WakuPeersProvider>` (or `manager`): connected
 * while the component is mounted. It follows the provider across node and manager swaps.
 * Development only, like the function.
 *
 * @throws {WakuPeersError} `NO_PROVIDER` outside `<WakuPeersProvider>` without `manager`.
 *
 * @example
 * function Debug() {
 *   useReduxDevtools({ name: "chat app peers" });
 *   return null;
 * }
 */
export function useReduxDevtools(parameters?: UseReduxDevtoolsParameters): void {
  const context = useWakuPeersContext("useReduxDevtools", parameters);
  const name = parameters?.name;
  const extension = parameters?.extension;
  useEffect(() => connectReduxDevtools(context, { name, extension }), [context, name, extension]);
}
