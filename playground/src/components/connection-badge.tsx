import { useConnectionStatus, usePeerHealth } from "../../../src/index.js";

export function ConnectionBadge() {
  const { status } = useConnectionStatus();
  const { overall } = usePeerHealth();
  return (
    <div className={`badge badge-${status}`} data-testid="status-badge" data-status={status} data-health={overall}>
      <span className="dot" aria-hidden />
      {status}
    </div>
  );
}
