import type { Clock, TimerHandle } from "./clock.js";
import type { Libp2pLike, PeerIdLike } from "./node-boundary.js";
import { errorMessage } from "./errors.js";

export interface LivenessTarget {
  id: string;
  peerId: PeerIdLike;
}

export interface LivenessRound {
  /** Peers that answered, with their round trip. */
  answered: { target: LivenessTarget; rttMs: number }[];
  /** Peers whose ping was not answered within the timeout. Their connections are still open. */
  missed: LivenessTarget[];
}

export interface LivenessContext {
  libp2p: Libp2pLike;
  clock: Clock;
  intervalMs: number;
  timeoutMs: number;
  /** The peers to ping this round: connected service peers. */
  targets(): LivenessTarget[];
  /** A finished round (called only when something was pinged). */
  round(result: LivenessRound): void;
}

export interface Liveness {
  /** Pings now (a hint arrived) unless a round is running; the next round follows `intervalMs` later. */
  checkNow(): void;
  stop(): void;
}

type Ping = (peer: PeerIdLike, options: { signal: AbortSignal }) => Promise<number>;

/**
 * Our own liveness pings: libp2p's connection monitor takes about 13 s to notice a peer whose
 * socket stays open while nothing answers (a frozen process, a sleeping laptop, a dead NAT
 * mapping). Rounds start every `intervalMs`; every connected service peer gets one ping; a ping
 * unanswered after `timeoutMs` is a miss. Worst case from freeze to miss: interval + timeout.
 *
 * Only peers with an open connection are pinged, and the check is made right before each ping:
 * libp2p's ping opens a connection when there is none, and a poll must never dial. A ping that
 * fails fast for another reason (too many streams because libp2p's monitor pings at the same
 * moment, a closed connection) is no miss: only silence is. A peer without the ping protocol is
 * skipped until it reconnects. Returns `undefined` when the node has no ping service.
 */
export function startLiveness(context: LivenessContext): Liveness | undefined {
  const service = context.libp2p.services?.ping;
  if (service === undefined || typeof service.ping !== "function") return undefined;
  const ping: Ping = (peer, options) => service.ping(peer, options);
  const { clock, libp2p } = context;
  const unsupported = new Set<string>();
  const inflight = new Set<AbortController>();
  let stopped = false;
  let running = false;
  let timer: TimerHandle | undefined;

  const schedule = (delay: number): void => {
    if (stopped) return;
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = clock.setTimeout(() => {
      timer = undefined;
      void runRound();
    }, Math.max(0, delay));
  };

  const hasOpenConnection = (peerId: PeerIdLike): boolean =>
    libp2p.getConnections(peerId).some((connection) => connection.status === "open");

  async function pingOne(target: LivenessTarget): Promise<{ rttMs?: number; missed: boolean }> {
    const controller = new AbortController();
    inflight.add(controller);
    let timedOut = false;
    const timeout = clock.setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`no ping answer within ${context.timeoutMs} ms`));
    }, context.timeoutMs);
    const startedAt = clock.now();
    try {
      const measured = await ping(target.peerId, { signal: controller.signal });
      return { rttMs: Number.isFinite(measured) ? measured : clock.now() - startedAt, missed: false };
    } catch (error) {
      if (timedOut) return { missed: true };
      if (isUnsupported(error)) unsupported.add(target.id);
      return { missed: false };
    } finally {
      clock.clearTimeout(timeout);
      inflight.delete(controller);
    }
  }

  async function runRound(): Promise<void> {
    if (stopped || running) return;
    running = true;
    const startedAt = clock.now();
    try {
      const connectedIds = new Set<string>();
      const targets = context.targets().filter((target) => {
        const open = hasOpenConnection(target.peerId);
        if (open) connectedIds.add(target.id);
        return open && !unsupported.has(target.id);
      });
      // A peer that reconnects gets a fresh chance to show it supports ping.
      for (const id of unsupported) if (!connectedIds.has(id)) unsupported.delete(id);
      if (targets.length > 0) {
        const outcomes = await Promise.all(targets.map(pingOne));
        if (stopped) return;
        const result: LivenessRound = { answered: [], missed: [] };
        outcomes.forEach((outcome, index) => {
          const target = targets[index] as LivenessTarget;
          if (outcome.missed) {
            // Closed meanwhile (libp2p noticed first): nothing left to drop.
            if (hasOpenConnection(target.peerId)) result.missed.push(target);
          } else if (outcome.rttMs !== undefined) {
            result.answered.push({ target, rttMs: outcome.rttMs });
          }
        });
        context.round(result);
      }
    } catch {
      // `targets()` or a callback threw: skip this round, keep the schedule.
    } finally {
      running = false;
      if (!stopped) schedule(startedAt + context.intervalMs - clock.now());
    }
  }

  schedule(context.intervalMs);

  return {
    checkNow() {
      if (stopped || running) return;
      schedule(0);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      for (const controller of inflight) controller.abort(new Error("liveness stopped"));
      inflight.clear();
    },
  };
}

function isUnsupported(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === "UnsupportedProtocolError" || /protocol selection failed|unsupported protocol/i.test(errorMessage(error));
}
