/** Machine-readable reasons a waku-peers call was refused. */
export type WakuPeersErrorCode =
  | "INVALID_REQUIREMENTS"
  | "INVALID_OPTIONS"
  | "INVALID_NODE"
  | "NO_PROVIDER"
  | "INVALID_MESSAGE"
  | "PAYLOAD_TOO_LARGE"
  | "OUTBOX_FULL"
  | "STORAGE_FAILED"
  | "NOT_READY";

/**
 * Thrown for misuse (bad options, not a Waku node), never for network trouble: network trouble
 * is state (`status`, `lastError`), not an exception. `issues` lists every problem found, so one
 * run of the app reports them all.
 */
export class WakuPeersError extends Error {
  override readonly name = "WakuPeersError";
  readonly code: WakuPeersErrorCode;
  readonly issues: readonly string[];

  constructor(code: WakuPeersErrorCode, issues: readonly string[]) {
    super(`${TITLES[code]}: ${issues.join("; ")}`);
    this.code = code;
    this.issues = issues;
  }
}

const TITLES: Record<WakuPeersErrorCode, string> = {
  INVALID_REQUIREMENTS: "Invalid peer requirements",
  INVALID_OPTIONS: "Invalid peer manager options",
  INVALID_NODE: "Not a Waku node",
  NO_PROVIDER: "No <WakuPeersProvider>",
  INVALID_MESSAGE: "Invalid message",
  PAYLOAD_TOO_LARGE: "Message too large",
  OUTBOX_FULL: "Outbox full",
  STORAGE_FAILED: "Message storage failed",
  NOT_READY: "Not ready",
};

export function isWakuPeersError(value: unknown): value is WakuPeersError {
  return value instanceof WakuPeersError;
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
