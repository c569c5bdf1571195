import type { ConnectionStatus, PeerManager, ReconnectOptions, ReconnectResult } from "../core/index.js";

/**
 * `manager.reconnect()` made total: no manager yet, or a manager that throws despite its
 * contract, both become a failed result. UI code awaits it without try/catch.
 */
export async function safeReconnect(
  manager: PeerManager | undefined,
  currentStatus: () => ConnectionStatus,
  options?: ReconnectOptions,
): Promise<ReconnectResult> {
  const startedAt = Date.now();
  const failed = (error: string): ReconnectResult => ({
    ok: false,
    status: currentStatus(),
    durationMs: Date.now() - startedAt,
    dialed: 0,
    error,
  });
  if (manager === undefined) return failed("No Waku node is attached yet");
  try {
    return await manager.reconnect(options);
  } catch (error) {
    return failed(describeError(error));
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === "string" ? error : "Unknown error";
}
