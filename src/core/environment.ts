/**
 * What the device says about its own connectivity. Only ever a hint: browsers report `online`
 * behind captive portals and dead Wi-Fi, so the manager never concludes anything from it alone.
 * The next signals (page visibility, freeze/resume) extend {@link EnvironmentEvent}.
 */
export type EnvironmentEvent = { type: "online" } | { type: "offline" };

export interface Environment {
  isOnline(): boolean;
  /** Returns an unsubscribe. */
  subscribe(listener: (event: EnvironmentEvent) => void): () => void;
}

/** The default until a browser environment ships: no signals, always online. Safe on a server. */
export const staticOnlineEnvironment: Environment = {
  isOnline: () => true,
  subscribe: () => () => {},
};
