import type { PeerTag, ProtocolName } from "../types.js";

/** Every protocol the manager counts, in the order they are shown. */
export const PROTOCOL_NAMES: readonly ProtocolName[] = Object.freeze(["lightPush", "filter", "store", "peerExchange"]);

/**
 * Wire codecs of the Waku protocols, spelled out instead of imported from `@waku/core` so the core
 * stays free of the SDK at runtime (a unit test checks they match the SDK's exports).
 */
export const WAKU_CODECS = Object.freeze({
  lightPush: "/vac/waku/lightpush/3.0.0",
  lightPushV2: "/vac/waku/lightpush/2.0.0-beta1",
  filterSubscribe: "/vac/waku/filter-subscribe/2.0.0-beta1",
  store: "/vac/waku/store-query/3.0.0",
  peerExchange: "/vac/waku/peer-exchange/2.0.0-alpha1",
});

/** Which named protocol a codec counts for. Light push v2 still serves light push. */
export const CODEC_TO_PROTOCOL: ReadonlyMap<string, ProtocolName> = new Map<string, ProtocolName>([
  [WAKU_CODECS.lightPush, "lightPush"],
  [WAKU_CODECS.lightPushV2, "lightPush"],
  [WAKU_CODECS.filterSubscribe, "filter"],
  [WAKU_CODECS.store, "store"],
  [WAKU_CODECS.peerExchange, "peerExchange"],
]);

// Protocol and tag sets are bit masks internally: a peer event then costs a few map lookups and
// no allocation, and two peers with the same protocols share one frozen array, so comparing
// protocol lists is an identity check.

const PROTOCOL_BIT = Object.fromEntries(PROTOCOL_NAMES.map((name, index) => [name, 1 << index])) as Readonly<
  Record<ProtocolName, number>
>;

const CODEC_BIT: ReadonlyMap<string, number> = new Map(
  [...CODEC_TO_PROTOCOL].map(([codec, name]) => [codec, PROTOCOL_BIT[name]]),
);

export function protocolBit(name: ProtocolName): number {
  return PROTOCOL_BIT[name];
}

export function protocolMaskFromCodecs(codecs: Iterable<string>): number {
  let mask = 0;
  for (const codec of codecs) mask |= CODEC_BIT.get(codec) ?? 0;
  return mask;
}

export function hasProtocol(mask: number, name: ProtocolName): boolean {
  return (mask & PROTOCOL_BIT[name]) !== 0;
}

const PROTOCOL_LISTS = buildLists(PROTOCOL_NAMES);

/** The named protocols of a mask, in a fixed order; the same mask always gives the same array. */
export function protocolNamesFromMask(mask: number): readonly ProtocolName[] {
  return PROTOCOL_LISTS[mask] ?? [];
}

/**
 * Named Waku protocols among a peer's codecs, e.g. from `peer:identify`.
 *
 * @example
 * protocolNamesFromCodecs(["/ipfs/id/1.0.0", WAKU_CODECS.store]); // ["store"]
 */
export function protocolNamesFromCodecs(codecs: Iterable<string>): readonly ProtocolName[] {
  return protocolNamesFromMask(protocolMaskFromCodecs(codecs));
}

const PROTOCOL_LABELS = PROTOCOL_LISTS.map((names) => names.join(","));

/** The named protocols of a mask as one label ("lightPush,filter"), the same string for the same mask. */
export function protocolLabel(mask: number): string {
  return PROTOCOL_LABELS[mask] ?? "";
}

const ORDERED_TAGS: readonly PeerTag[] = ["bootstrap", "peer-exchange", "peer-cache"];
const TAG_LISTS = buildLists(ORDERED_TAGS);

/** The Waku discovery tags among a peer store entry's tags. */
export function tagMaskFromPeerTags(tags: { has(name: string): boolean }): number {
  let mask = 0;
  ORDERED_TAGS.forEach((tag, index) => {
    if (tags.has(tag)) mask |= 1 << index;
  });
  return mask;
}

export function tagNamesFromMask(mask: number): readonly PeerTag[] {
  return TAG_LISTS[mask] ?? [];
}

export function hasTag(mask: number, tag: PeerTag): boolean {
  return (mask & (1 << ORDERED_TAGS.indexOf(tag))) !== 0;
}

/** Every subset of `names`, indexed by its bit mask, each a frozen array. */
function buildLists<T>(names: readonly T[]): readonly (readonly T[])[] {
  const lists: (readonly T[])[] = [];
  for (let mask = 0; mask < 1 << names.length; mask++) {
    lists.push(Object.freeze(names.filter((_, index) => (mask & (1 << index)) !== 0)));
  }
  return lists;
}
