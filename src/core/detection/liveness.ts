import { errorMessage } from "../errors.js";
import { createLifetime } from "../lifetime/lifetime.js";
import { after } from "../lifetime/timers.js";
import { closeConnections } from "../peers/connections.js";
import type { PeerRecord } from "../peers/peer-table.js";
import { isServiceRecord } from "../peers/peer-table.js";
import { FAILURE_PENALTY, scoreAfterFailure } from "../peers/score.js";
import type { Runtime } from "../runtime.js";
import type { PeerIdLike } from "../sdk/node-boundary.js";
import { read } from "../sdk/reach.js";
import { holdMonitorAborts, reserveOutboundStream } from "../sdk/sdk-internals.js";
import type { EnvironmentHint } from "./environment.js";
import type { RoundOutcome } from "./ping-round.js";
import { pingRound } from "./ping-round.js";
import { addRoundTrip, pingTimeout } from "./ping-timeout.js";

/** Hints after which sockets are often dead (a resumed laptop, a network switch): ping now. */
const CHECK_ON: ReadonlySet<EnvironmentHint> = new Set(["online", "offline", "visible", "pageshow", "resume"]);

/**
 * A peer whose ping failed fast (libp2p's own monitor held the ping stream, a connection was
 * closing) gave no answer: it has gone quiet, so the next round comes this soon, not a full
 * interval later.
 */
const QUIET_RECHECK_MS = 150;

/**
 * Rounds in a row the app's stall may spoil before one is judged anyway. A single pause (a long
 * task, a debugger) spoils one round; a steadily late event loop (a loaded machine, a throttled
 * tab) spoils every one, and discarding them all would leave dead peers connected forever.
 */
const MAX_SPOILED_ROUNDS = 2;

/** The most the lateness of a spoiled streak may add to the timeouts of a round judged anyway. */
const MAX_LATENESS_SLACK_MS = 10_000;

/** libp2p's ping protocol (the ping service names its own; this is its default). */
const PING_PROTOCOL = "/ipfs/ping/1.0.0";

/**
 * Our own liveness pings: libp2p's connection monitor takes about 13 s to notice a peer whose
 * socket stays open while nothing answers (a frozen process, a sleeping laptop, a dead NAT
 * mapping). A round starts every `intervalMs`; every connected service peer gets one ping, with a
 * timeout built from its own recent round trips (see `ping-timeout.ts`); a ping unanswered past
 * it is a miss and its connection is aborted at once (blame waits for the round's other
 * answers). Worst case from freeze to drop: interval + timeout.
 *
 * Only peers with an open connection are pinged, checked right before each round: libp2p's ping
 * opens a connection when there is none, and a poll must never dial. A ping that fails fast for
 * another reason is no miss: only silence is (and the peer is checked again soon). A peer without
 * the ping protocol is skipped until it reconnects. Our pings get a ping stream of their own on
 * each connection (see `reserveOutboundStream`), so they never make libp2p's monitor fail, and
 * libp2p's monitor no longer aborts connections itself (see `holdMonitorAborts`: it cannot tell
 * the app's own stall from a dead peer). When nobody answers, or the device says
 * offline, the silence is most likely our own network: the connections are dropped all the same,
 * but no peer is blamed. A round the app's own stall spoiled is discarded and run again at once
 * (see `ping-round.ts`); after `MAX_SPOILED_ROUNDS` of them in a row, or while the device says
 * offline, a round is judged all the same, its timeouts stretched by twice the lateness seen, and
 * a miss in a late round drops the connection but blames nobody. While the device says offline
 * every timeout is the floor, and a round in flight at the `offline` hint starts again with it.
 * Does nothing when the node has no ping service.
 */
export function startLiveness(runtime: Runtime): void {
  const options = runtime.options.liveness;
  const service = runtime.libp2p.services?.ping;
  if (options === undefined || typeof service?.ping !== "function") return;
  const { clock, signal, lifetime } = runtime;
  const protocol = read(service, "protocol");
  reserveOutboundStream(runtime.libp2p, typeof protocol === "string" ? protocol : PING_PROTOCOL, lifetime);
  holdMonitorAborts(runtime.libp2p, lifetime);
  const unsupported = new Set<string>();
  const roundTrips = new Map<string, number[]>();
  const lateness = spoiledStreak();
  let running = false;
  let cancelNext = (): void => {};
  /** Ends the round in flight, whose timeouts were set while the device said online. */
  let restartRound = (): void => {};

  const schedule = (delay: number): void => {
    cancelNext();
    cancelNext = after(clock, lifetime, delay, () => void round());
  };

  const round = async (): Promise<void> => {
    if (signal.aborted || running) return;
    running = true;
    const startedAt = clock.now();
    let nextInMs = options.intervalMs;
    const inFlight = createLifetime(lifetime);
    restartRound = () => inFlight.end(new Error("the device went offline: this round's timeouts no longer apply"));
    try {
      const records = targets(runtime, unsupported, roundTrips);
      const slackMs = Math.min(2 * lateness.worstMs, MAX_LATENESS_SLACK_MS);
      // While the device says offline every peer gets the floor: a false drop then blames nobody and
      // costs a re-dial, while a peer with nothing measured (the 5 s ceiling) or with slow answers
      // measured (a thawed node: 4 s seen) would hold the `offline` status back that long.
      const policy = runtime.facts.online ? options : { ...options, timeoutMs: options.minTimeoutMs };
      const dropped: PeerRecord[] = [];
      const outcome = await pingRound({
        clock,
        lifetime: inFlight,
        pings: records.map((record) => ({
          target: record,
          timeoutMs: pingTimeout(roundTrips.get(record.id) ?? [], policy) + slackMs,
        })),
        ping: (record, abort) => service.ping(record.peerId, { signal: abort }),
        stallMs: options.stallMs,
        // Asked when the stall is seen, not at the start: an `offline` hint mid-round counts.
        judgeStalled: () => lateness.rounds >= MAX_SPOILED_ROUNDS || !runtime.facts.online,
        // Dropped at its own timeout, not the round's slowest; blame waits for the round's other answers.
        onMiss: (record, timeoutMs) => {
          if (dropSilent(runtime, record, timeoutMs)) dropped.push(record);
        },
      });
      if (signal.aborted) return;
      if (inFlight.ended) {
        // Restarted: the next round, at once, gives every peer the floor.
        nextInMs = 0;
        return;
      }
      nextInMs = conclude(runtime, { unsupported, roundTrips, lateness }, outcome, dropped, startedAt + options.intervalMs);
    } catch {
      // A callback threw: skip this round, keep the schedule.
    } finally {
      inFlight.release();
      restartRound = () => {};
      running = false;
      if (!signal.aborted) schedule(nextInMs);
    }
  };

  runtime.bus.on("hint", (hint) => {
    if (!CHECK_ON.has(hint)) return;
    if (!running) schedule(0);
    else if (hint === "offline") restartRound();
  });
  lifetime.onEnd(() => roundTrips.clear());
  schedule(options.intervalMs);
}

/** What liveness keeps from round to round. */
interface Memory {
  readonly unsupported: Set<string>;
  readonly roundTrips: Map<string, number[]>;
  readonly lateness: ReturnType<typeof spoiledStreak>;
}

/** Learns from a finished round and blames whom it may; returns how soon the next round is due. */
function conclude(
  runtime: Runtime,
  memory: Memory,
  outcome: RoundOutcome<PeerRecord>,
  dropped: readonly PeerRecord[],
  nextDueAt: number,
): number {
  const { lateness } = memory;
  const late = outcome.stalledMs;
  lateness.note(late);
  if (outcome.discarded) {
    // The app was stalled, not the peers: this round proves nothing; ask again now.
    runtime.event("stall", undefined, `event loop stalled about ${Math.round(late ?? 0)} ms: liveness round discarded`);
    return 0;
  }
  if (late !== undefined && !lateness.reported) {
    // Once per streak: a steadily late app would otherwise log every round and flush the event log.
    lateness.reported = true;
    const why = `event loop late about ${Math.round(late)} ms, ${lateness.rounds} rounds in a row`;
    runtime.event("stall", undefined, `${why}: liveness rounds judged anyway until it is on time, nobody blamed`);
  }
  // A late round's answers include the lateness: they measure nothing, and its misses blame nobody.
  const quiet = learn(runtime, outcome, memory.unsupported, memory.roundTrips, late === undefined);
  if (outcome.results.length > 0) judge(runtime, outcome, late !== undefined, dropped);
  return quiet ? QUIET_RECHECK_MS : nextDueAt - runtime.clock.now();
}

/** The rounds spoiled by the app's own lateness in a row, and the worst lateness among them. */
function spoiledStreak() {
  const streak = {
    rounds: 0,
    worstMs: 0,
    /** Whether the streak's first round judged anyway is in the event log. */
    reported: false,
    /** A round on time ends the streak. */
    note(stalledMs: number | undefined): void {
      streak.rounds = stalledMs === undefined ? 0 : streak.rounds + 1;
      streak.worstMs = stalledMs === undefined ? 0 : Math.max(streak.worstMs, stalledMs);
      if (stalledMs === undefined) streak.reported = false;
    },
  };
  return streak;
}

/** Connected service peers with an open connection that support ping; forgets the state of peers gone since. */
function targets(runtime: Runtime, unsupported: Set<string>, roundTrips: Map<string, number[]>): PeerRecord[] {
  const open = new Set<string>();
  const records: PeerRecord[] = [];
  for (const record of runtime.table.connectedRecords()) {
    if (!isServiceRecord(record) || !hasOpenConnection(runtime, record.peerId)) continue;
    open.add(record.id);
    if (!unsupported.has(record.id)) records.push(record);
  }
  // A peer that reconnects gets a fresh chance to show it supports ping, and a fresh measure.
  for (const id of unsupported) if (!open.has(id)) unsupported.delete(id);
  for (const id of roundTrips.keys()) if (!open.has(id)) roundTrips.delete(id);
  return records;
}

/** Keeps the round trips measured (when `measured`); returns whether some peer gave no verdict (it went quiet). */
function learn(
  runtime: Runtime,
  outcome: RoundOutcome<PeerRecord>,
  unsupported: Set<string>,
  roundTrips: Map<string, number[]>,
  measured: boolean,
): boolean {
  let quiet = false;
  for (const { target: record, result } of outcome.results) {
    if (result.kind === "answered") {
      if (!measured) continue;
      runtime.table.setMeasuredRtt(record, result.rttMs);
      const window = roundTrips.get(record.id);
      // A connection's first answer pays for its warm-up (a first stream, cold code paths): not a measure.
      if (window === undefined) roundTrips.set(record.id, []);
      else addRoundTrip(window, result.rttMs);
    } else if (result.kind === "failed") {
      if (isUnsupported(result.error)) unsupported.add(record.id);
      else quiet = true;
    }
  }
  return quiet;
}

/** Blames the peers dropped for silence this round, unless it is our own outage or our own lateness. */
function judge(runtime: Runtime, outcome: RoundOutcome<PeerRecord>, late: boolean, dropped: readonly PeerRecord[]): void {
  const answered = outcome.results.some(({ result }) => result.kind === "answered");
  if (late || !runtime.facts.online || !answered) return;
  for (const record of dropped) runtime.table.updateScore(record, scoreAfterFailure(record.score, FAILURE_PENALTY));
}

/**
 * Aborts the connections of a peer that missed its ping, its failure noted but not yet blamed;
 * false when none was open any more (libp2p noticed first: nothing left to drop).
 */
function dropSilent(runtime: Runtime, record: PeerRecord, timeoutMs: number): boolean {
  if (!hasOpenConnection(runtime, record.peerId)) return false;
  const reason = `no ping answer within ${timeoutMs} ms`;
  runtime.event("peer:liveness-failed", record.id, reason);
  runtime.table.updateScore(record, record.score, { protocol: "ping", reason, at: runtime.clock.now() });
  closeConnections(runtime, record.peerId, `liveness: ${reason}`, true);
  return true;
}

function hasOpenConnection(runtime: Runtime, peerId: PeerIdLike): boolean {
  return runtime.libp2p.getConnections(peerId).some((connection) => connection.status === "open");
}

function isUnsupported(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === "UnsupportedProtocolError" || /protocol selection failed|unsupported protocol/i.test(errorMessage(error));
}
