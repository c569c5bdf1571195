/**
 * One error type for the whole API. Misuse (bad options, not a Waku node, a hook outside its
 * provider) is thrown as a {@link WakuPeersError}; network trouble is never thrown: it is state
 * (`state.lastError`) or a result (`ReconnectResult.error`), a {@link WakuPeersFailure} with the
 * same `code`, so a UI can branch on it.
 */
export type WakuPeersErrorCode =
  // Thrown (misuse).
  | "INVALID_OPTIONS"
  | "INVALID_REQUIREMENTS"
  | "INVALID_NODE"
  | "INVALID_ARGUMENT"
  | "NO_PROVIDER"
  // Reported as values (network trouble, and bad input to calls that never throw).
  | "TIMEOUT"
  | "NO_PEERS"
  | "DISCOVERY_FAILED"
  | "RECREATE_FAILED"
  | "NODE_FAILED"
  | "NO_NODE"
  | "STORAGE_FAILED"
  | "GAVE_UP"
  | "STOPPED"
  | "LISTENER_FAILED"
  | "BOOTSTRAP_PEERS_IGNORED"
  | "UNEXPECTED"
  // The message layer: refused input (thrown by send) and sends that cannot start yet.
  | "INVALID_MESSAGE"
  | "PAYLOAD_TOO_LARGE"
  | "OUTBOX_FULL"
  | "NOT_READY";

/** A failure as a value: `state.lastError`, `ReconnectResult.error`. */
export interface WakuPeersFailure {
  readonly code: WakuPeersErrorCode;
  readonly message: string;
}

/**
 * Thrown for misuse, never for network trouble. `issues` lists every problem found, so one run of
 * the app reports them all.
 *
 * @example
 * try {
 *   createPeerManager(node, { liveness: { intervalMS: 1_000 } });
 * } catch (error) {
 *   if (isWakuPeersError(error) && error.code === "INVALID_OPTIONS") console.error(error.issues);
 * }
 */
export class WakuPeersError extends Error implements WakuPeersFailure {
  override readonly name = "WakuPeersError";
  readonly code: WakuPeersErrorCode;
  readonly issues: readonly string[];

  constructor(code: WakuPeersErrorCode, issues: readonly string[]) {
    super(`${TITLES[code] ?? code}: ${issues.join("; ")}`);
    this.code = code;
    this.issues = issues;
  }
}

const TITLES: Partial<Record<WakuPeersErrorCode, string>> = {
  INVALID_REQUIREMENTS: "Invalid peer requirements",
  INVALID_OPTIONS: "Invalid peer manager options",
  INVALID_NODE: "Not a Waku node",
  INVALID_ARGUMENT: "Invalid argument",
  NO_PROVIDER: "No <WakuPeersProvider>",
  INVALID_MESSAGE: "Invalid message",
  PAYLOAD_TOO_LARGE: "Message too large",
  OUTBOX_FULL: "Outbox full",
  STORAGE_FAILED: "Message storage failed",
  NOT_READY: "Not ready",
};

/**
 * @example
 * if (isWakuPeersError(error)) showProblems(error.issues);
 */
export function isWakuPeersError(value: unknown): value is WakuPeersError {
  return value instanceof WakuPeersError;
}

/** A frozen failure value. */
export function failure(code: WakuPeersErrorCode, message: string): WakuPeersFailure {
  return Object.freeze({ code, message });
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === "string" ? error : String(error);
}
