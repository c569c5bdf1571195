import { EnrDecoder } from "@waku/enr";

import { errorMessage } from "../errors.js";
import { sleep } from "../lifetime/timers.js";
import { WAKU_CODECS } from "../peers/codecs.js";
import { FLOOD_PENALTY } from "../peers/score.js";
import { recordOutcome } from "../policy/outcomes.js";
import { shuffle } from "../policy/peer-policy.js";
import type { DialPool } from "../recovery/dial-pool.js";
import type { Runtime } from "../runtime.js";
import type { PeerIdLike } from "../sdk/node-boundary.js";
import { requestOnce } from "../sdk/request-once.js";
import { peerExchangeProtocols, wrapMethod } from "../sdk/sdk-internals.js";
import { answerRecords, peerExchangeQueryFrame } from "./peer-exchange-wire.js";
import type { ScreenCounts, ScreenedRecord } from "./screen-records.js";
import { RecordScreen } from "./screen-records.js";

/** Reply bytes read from one answer: 5,000 records are about 1 MB; the SDK itself reads up to 4 MiB. */
const MAX_ANSWER_BYTES = 1024 * 1024;
/** Records walked in one answer (tiny garbage records could otherwise be hundreds of thousands). */
const MAX_RECORDS_READ = 10_000;
/** New peers taken from one answer: a light node needs five service peers; each costs a signature check. */
export const MAX_PEERS_PER_ANSWER = 32;
/** New peers one source may add over the manager's life: its answers cannot grow the peer store without end. */
export const MAX_PEERS_PER_SOURCE = 128;
/** The SDK waits forever for an answer; a silent peer-exchange peer would hold its query slot. */
const QUERY_TIMEOUT_MS = 10_000;
/** A source that answered with more than asked is not asked again for this long. */
export const FLOOD_BAN_MS = 30 * 60 * 1_000;
/** Sources remembered (peers we were connected to and asked); the oldest is forgotten beyond. */
const MAX_SOURCES = 64;
/** Work done between two yields to the event loop while screening and verifying one answer. */
const SLICE_MS = 8;

type Enr = Awaited<ReturnType<typeof EnrDecoder.fromRLP>>;

interface VerifiedPeer {
  enr: Enr;
  identity: string;
  contested: boolean;
}

/** `PeerExchange.query`'s parameters and result, as the SDK's discovery calls it. */
interface QueryParams {
  numPeers: number;
  peerId: PeerIdLike;
}
interface QueryResult {
  peerInfos: { ENR: Enr }[] | null;
  error: string | null;
}

const NOTHING: QueryResult = { peerInfos: [], error: null };

/**
 * Puts the SDK's peer exchange on a leash. `@waku/discovery` 0.0.13 reads an answer of up to
 * 4 MiB, checks the signature of every record before using any (5,000 records froze a page for
 * 9–12 s), rejects the whole answer when one record is bad, stores every peer named and queues a
 * dial to each. Its query is replaced (`sdk-internals.ts`, restored on stop) by one that reads
 * at most 1 MiB, walks the records without decoding them, screens them by their fields alone
 * (malformed, duplicate identities and identities sharing an address dropped: a flood of fresh
 * keys on a few ports collapses to one record per port), takes a bounded random few, checks
 * only their signatures — one bad record costs only itself — and hands those to the SDK, which
 * goes on as before (peer store, dial). The peers taken also become dial candidates of ours.
 *
 * A source that answers with more records than asked is flooding: it is not asked again for
 * {@link FLOOD_BAN_MS}, and its score takes {@link FLOOD_PENALTY}, so it is replaced and kept
 * out for the quarantine (the dial gate stops the SDK re-dialing it too).
 */
export function boundPeerExchange(runtime: Runtime, pool: DialPool): void {
  const protocols = peerExchangeProtocols(runtime.libp2p);
  if (protocols.length === 0) return;
  const sources = new SourceBook(runtime);
  const query = (params: QueryParams): Promise<QueryResult> => boundedQuery(runtime, pool, sources, params);
  for (const protocol of protocols) wrapMethod(protocol, "query", () => query as never, runtime.lifetime);
}

async function boundedQuery(runtime: Runtime, pool: DialPool, sources: SourceBook, params: QueryParams): Promise<QueryResult> {
  const source = String(params.peerId);
  if (runtime.signal.aborted || sources.isBanned(source)) return NOTHING;
  let reply: Awaited<ReturnType<typeof requestOnce>>;
  try {
    const frame = peerExchangeQueryFrame(params.numPeers);
    const limits = { maxBytes: MAX_ANSWER_BYTES, timeoutMs: QUERY_TIMEOUT_MS, clock: runtime.clock, lifetime: runtime.lifetime };
    reply = await requestOnce(runtime.libp2p.getConnections(params.peerId), WAKU_CODECS.peerExchange, frame, limits);
  } catch (error) {
    return { peerInfos: null, error: `peer exchange query to ${source} failed: ${errorMessage(error)}` };
  }
  const { records, incomplete } = answerRecords(reply.payload, MAX_RECORDS_READ);
  const screen = new RecordScreen(sources.room(source), sources.taken(source));
  const order = shuffle(Array.from(records.keys()), runtime.random);
  await inSlices(runtime, order, (index) => screen.offer(records[index] as Uint8Array));
  const peers = await verified(runtime, screen.choose());
  if (runtime.signal.aborted) return NOTHING;
  sources.took(
    source,
    peers.map(({ identity }) => identity),
  );
  keepAsCandidates(pool, source, peers);
  const flooding = records.length > params.numPeers || reply.truncated;
  report(
    runtime,
    pool,
    sources,
    source,
    { asked: params.numPeers, records: records.length, cut: reply.truncated || incomplete, taken: peers.length, flooding },
    screen.counts,
  );
  return { peerInfos: peers.map(({ enr }) => ({ ENR: enr })), error: null };
}

/** Signature checks, one record at a time: a bad record is dropped alone. */
async function verified(runtime: Runtime, chosen: readonly ScreenedRecord[]): Promise<VerifiedPeer[]> {
  const peers: VerifiedPeer[] = [];
  await inSlices(runtime, chosen, async ({ record, identity, contested }) => {
    try {
      const enr = await EnrDecoder.fromRLP(record);
      if (enr.peerInfo !== undefined) peers.push({ enr, identity, contested });
    } catch {
      // A bad signature or field: the screen counted it as well formed, the check says otherwise.
    }
  });
  return peers;
}

/** The peers taken become our dial candidates too (dialable once the SDK has stored their addresses). */
function keepAsCandidates(pool: DialPool, source: string, peers: readonly VerifiedPeer[]): void {
  for (const { enr, contested } of peers) {
    const id = enr.peerInfo?.id.toString();
    if (id !== undefined) pool.index.addDiscovered(id, source, contested);
  }
}

interface AnswerSummary {
  asked: number;
  records: number;
  /** Cut at the byte bound, or not walkable to its end. */
  cut: boolean;
  taken: number;
  flooding: boolean;
}

/** Logs an answer that was not clean, and penalises a flooding source. A clean answer is silent. */
function report(
  runtime: Runtime,
  pool: DialPool,
  sources: SourceBook,
  source: string,
  answer: AnswerSummary,
  counts: ScreenCounts,
): void {
  const dropped = counts.malformed + counts.duplicates + counts.sharedAddress + counts.overCap;
  if (!answer.flooding && dropped === 0 && !answer.cut) return;
  const detail =
    `peer exchange: ${answer.records} records for ${answer.asked} asked${answer.cut ? " (cut off)" : ""}; ` +
    `${answer.taken} taken, ${counts.malformed} malformed, ${counts.duplicates} duplicates, ` +
    `${counts.sharedAddress} on an address already named, ${counts.overCap} over the cap`;
  runtime.event("discovery", source, detail);
  if (!answer.flooding) return;
  sources.ban(source);
  runtime.event("discovery", source, `flooding: not asked again for ${FLOOD_BAN_MS / 60_000} min`);
  recordOutcome(
    runtime,
    pool,
    source,
    "peerExchange",
    false,
    `answered ${answer.records} records for ${answer.asked} asked`,
    FLOOD_PENALTY,
  );
}

/** Runs `work` on each item, yielding to the event loop every {@link SLICE_MS}, until the manager stops. */
async function inSlices<T>(runtime: Runtime, items: readonly T[], work: (item: T) => void | Promise<void>): Promise<void> {
  let sliceStart = runtime.clock.now();
  for (const item of items) {
    if (runtime.signal.aborted) return;
    await work(item);
    if (runtime.clock.now() - sliceStart < SLICE_MS) continue;
    await sleep(runtime.clock, runtime.lifetime, 0);
    sliceStart = runtime.clock.now();
  }
}

/** What each source has added (by record identity) and which sources are banned; bounded. */
class SourceBook {
  readonly #runtime: Runtime;
  readonly #sources = new Map<string, { taken: Set<string>; bannedUntil: number }>();

  constructor(runtime: Runtime) {
    this.#runtime = runtime;
    runtime.lifetime.onEnd(() => this.#sources.clear());
  }

  isBanned(source: string): boolean {
    return (this.#sources.get(source)?.bannedUntil ?? 0) > this.#runtime.clock.now();
  }

  taken(source: string): ReadonlySet<string> {
    return this.#entry(source).taken;
  }

  /** New peers this source may still add with one answer. */
  room(source: string): number {
    return Math.max(0, Math.min(MAX_PEERS_PER_ANSWER, MAX_PEERS_PER_SOURCE - this.#entry(source).taken.size));
  }

  took(source: string, identities: readonly string[]): void {
    const { taken } = this.#entry(source);
    for (const identity of identities) taken.add(identity);
  }

  ban(source: string): void {
    this.#entry(source).bannedUntil = this.#runtime.clock.now() + FLOOD_BAN_MS;
  }

  #entry(source: string): { taken: Set<string>; bannedUntil: number } {
    let entry = this.#sources.get(source);
    if (entry === undefined) {
      if (this.#sources.size >= MAX_SOURCES) this.#sources.delete(this.#sources.keys().next().value as string);
      entry = { taken: new Set(), bannedUntil: 0 };
      this.#sources.set(source, entry);
    }
    return entry;
  }
}
