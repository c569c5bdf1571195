/**
 * Thrown by a hook used outside `<WakuPeersProvider>`. Shaped like the core's `WakuPeersError`
 * (`name`, `code`, `issues`); it stands in for `new WakuPeersError("NO_PROVIDER", ...)` until the
 * core's error codes include `NO_PROVIDER`.
 */
export class WakuPeersProviderError extends Error {
  override readonly name = "WakuPeersError";
  readonly code = "NO_PROVIDER";
  readonly issues: readonly string[];

  constructor(issues: readonly string[]) {
    super(`No <WakuPeersProvider>: ${issues.join("; ")}`);
    this.issues = issues;
  }
}
