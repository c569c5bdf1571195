import { errorMessage } from "../errors.js";
import { after } from "../lifetime/timers.js";
import { closeConnections } from "../peers/connections.js";
import type { PeerRecord } from "../peers/peer-table.js";
import { isServiceRecord } from "../peers/peer-table.js";
import { FAILURE_PENALTY, scoreAfterFailure } from "../peers/score.js";
import type { Runtime } from "../runtime.js";
import type { PeerIdLike } from "../sdk/node-boundary.js";
import type { EnvironmentHint } from "./environment.js";

interface Outcome {
  record: PeerRecord;
  /** Answered, with the round trip; `undefined` for a fast failure (no verdict). */
  rttMs?: number;
  missed: boolean;
}

/** Hints after which sockets are often dead (a resumed laptop, a network switch): ping now. */
const CHECK_ON: ReadonlySet<EnvironmentHint> = new Set(["online", "offline", "visible", "pageshow", "resume"]);

/**
 * Our own liveness pings: libp2p's connection monitor takes about 13 s to notice a peer whose
 * socket stays open while nothing answers (a frozen process, a sleeping laptop, a dead NAT
 * mapping). Rounds start every `intervalMs`; every connected service peer gets one ping; a ping
 * unanswered after `timeoutMs` is a miss and its connection is aborted. Worst case from freeze
 * to drop: interval + timeout.
 *
 * Only peers with an open connection are pinged, checked right before each ping: libp2p's ping
 * opens a connection when there is none, and a poll must never dial. A ping that fails fast for
 * another reason (too many streams because libp2p's monitor pings at the same moment, a closed
 * connection) is no miss: only silence is. A peer without the ping protocol is skipped until it
 * reconnects. When nobody answers, or the device says offline, the silence is most likely our
 * own network: the connections are dropped all the same, but no peer is blamed. Does nothing
 * when the node has no ping service.
 */
export function startLiveness(runtime: Runtime): void {
  const options = runtime.options.liveness;
  const service = runtime.libp2p.services?.ping;
  if (options === undefined || typeof service?.ping !== "function") return;
  const ping = (peer: PeerIdLike, signal: AbortSignal): Promise<number> => service.ping(peer, { signal });
  const { clock, signal, lifetime } = runtime;
  const unsupported = new Set<string>();
  let running = false;
  let cancelNext = (): void => {};

  const schedule = (delay: number): void => {
    cancelNext();
    cancelNext = after(clock, lifetime, delay, () => void round());
  };

  const pingOne = async (record: PeerRecord): Promise<Outcome> => {
    const controller = new AbortController();
    let timedOut = false;
    const cancelTimeout = after(clock, lifetime, options.timeoutMs, () => {
      timedOut = true;
      controller.abort(new Error(`no ping answer within ${options.timeoutMs} ms`));
    });
    const unregister = lifetime.onEnd(() => controller.abort(new Error("liveness stopped")));
    const startedAt = clock.now();
    try {
      const measured = await ping(record.peerId, controller.signal);
      return { record, rttMs: Number.isFinite(measured) ? measured : clock.now() - startedAt, missed: false };
    } catch (error) {
      if (!timedOut && isUnsupported(error)) unsupported.add(record.id);
      return { record, missed: timedOut };
    } finally {
      cancelTimeout();
      unregister();
    }
  };

  const round = async (): Promise<void> => {
    if (signal.aborted || running) return;
    running = true;
    const startedAt = clock.now();
    try {
      const outcomes = await Promise.all(targets().map(pingOne));
      if (!signal.aborted && outcomes.length > 0) judge(runtime, outcomes);
    } catch {
      // A callback threw: skip this round, keep the schedule.
    } finally {
      running = false;
      schedule(startedAt + options.intervalMs - clock.now());
    }
  };

  const targets = (): PeerRecord[] => {
    const open = new Set<string>();
    const records: PeerRecord[] = [];
    for (const record of runtime.table.connectedRecords()) {
      if (!isServiceRecord(record) || !hasOpenConnection(runtime, record.peerId)) continue;
      open.add(record.id);
      if (!unsupported.has(record.id)) records.push(record);
    }
    // A peer that reconnects gets a fresh chance to show it supports ping.
    for (const id of unsupported) if (!open.has(id)) unsupported.delete(id);
    return records;
  };

  runtime.bus.on("hint", (hint) => {
    if (CHECK_ON.has(hint) && !running) schedule(0);
  });
  schedule(options.intervalMs);
}

/** Publishes round trips, and drops (and, unless it is our own outage, blames) the peers that stayed silent. */
function judge(runtime: Runtime, outcomes: readonly Outcome[]): void {
  const answered = outcomes.filter((outcome) => outcome.rttMs !== undefined);
  for (const { record, rttMs } of answered) runtime.table.setMeasuredRtt(record, rttMs as number);
  const ourOutage = !runtime.facts.online || answered.length === 0;
  const reason = `no ping answer within ${runtime.options.liveness?.timeoutMs ?? 0} ms`;
  for (const { record, missed } of outcomes) {
    // Closed meanwhile (libp2p noticed first): nothing left to drop.
    if (!missed || !hasOpenConnection(runtime, record.peerId)) continue;
    runtime.event("peer:liveness-failed", record.id, reason);
    const failure = { protocol: "ping" as const, reason, at: runtime.clock.now() };
    runtime.table.updateScore(record, ourOutage ? record.score : scoreAfterFailure(record.score, FAILURE_PENALTY), failure);
    closeConnections(runtime, record.peerId, `liveness: ${reason}`, true);
  }
}

function hasOpenConnection(runtime: Runtime, peerId: PeerIdLike): boolean {
  return runtime.libp2p.getConnections(peerId).some((connection) => connection.status === "open");
}

function isUnsupported(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === "UnsupportedProtocolError" || /protocol selection failed|unsupported protocol/i.test(errorMessage(error));
}
