import { decodeRlpByteStrings } from "./rlp-list.js";

/** EIP-778: a record is at most 300 bytes. */
const MAX_RECORD_BYTES = 300;
/** The fields a record can be dialed by. */
const ADDRESS_KEYS = ["ip", "tcp", "ip6", "tcp6", "multiaddrs"] as const;
const TEXT = new TextDecoder();

/** What a screen made of an answer's records. */
export interface ScreenCounts {
  offered: number;
  /** Not an ENR: no RLP list, over 300 bytes, no v4 identity, no address. */
  malformed: number;
  /** The same identity again (in this answer, or already taken from this source). */
  duplicates: number;
  /** Another identity on an address an earlier record already named: at most one of them can be real. */
  sharedAddress: number;
  /** Left out by the cap (known once `choose()` ran). */
  overCap: number;
}

export interface ScreenedRecord {
  record: Uint8Array;
  /** The record's public key, as hex: one per identity, so one per peer id. */
  identity: string;
  /** Other identities of the same answer claimed its address too: at most one of them is real. */
  contested: boolean;
}

/**
 * Screens peer-exchange records before anything expensive is done with them: by reading their
 * fields only, without checking a signature. Offer every record of an answer in a random order,
 * then `choose()`: one record per address (the first offered), addresses only one identity
 * claimed first — a flood of fresh keys on a few ports collapses to one record per port and
 * goes to the back — at most `take` in all. Malformed records and repeated identities are
 * dropped; one bad record costs only itself (the SDK rejects the whole answer for it).
 *
 * @example
 * const screen = new RecordScreen(32, new Set());
 * for (const record of shuffled) screen.offer(record);
 * const chosen = screen.choose(); // at most 32, to verify and use
 */
export class RecordScreen {
  readonly counts: ScreenCounts = { offered: 0, malformed: 0, duplicates: 0, sharedAddress: 0, overCap: 0 };
  readonly #take: number;
  readonly #taken: ReadonlySet<string>;
  readonly #identities = new Set<string>();
  readonly #byAddress = new Map<string, { first: ScreenedRecord; claims: number }>();

  /** `taken`: identities already taken from the same source; they are duplicates, not new peers. */
  constructor(take: number, taken: ReadonlySet<string>) {
    this.#take = take;
    this.#taken = taken;
  }

  offer(record: Uint8Array): void {
    this.counts.offered++;
    const fields = record.length <= MAX_RECORD_BYTES ? readFields(record) : undefined;
    const identity = fields?.get("secp256k1");
    const address = fields === undefined ? "" : addressKey(fields);
    if (fields === undefined || TEXT.decode(fields.get("id")) !== "v4" || identity?.length !== 33 || address === "") {
      this.counts.malformed++;
      return;
    }
    const key = hex(identity);
    if (this.#identities.has(key) || this.#taken.has(key)) {
      this.counts.duplicates++;
      return;
    }
    this.#identities.add(key);
    const claimed = this.#byAddress.get(address);
    if (claimed !== undefined) {
      claimed.claims++;
      claimed.first.contested = true;
      this.counts.sharedAddress++;
      return;
    }
    this.#byAddress.set(address, { first: { record, identity: key, contested: false }, claims: 1 });
  }

  /** The records to use, uncontested addresses first (in the order offered), at most `take`. */
  choose(): ScreenedRecord[] {
    const ranked = [...this.#byAddress.values()].sort((a, b) => Number(a.claims > 1) - Number(b.claims > 1));
    this.counts.overCap = Math.max(0, ranked.length - this.#take);
    return ranked.slice(0, this.#take).map(({ first }) => first);
  }
}

/** An ENR's key/value pairs; `undefined` when it is not `[signature, seq, k1, v1, …]`. */
function readFields(record: Uint8Array): Map<string, Uint8Array> | undefined {
  const items = decodeRlpByteStrings(record);
  if (items === undefined || items.length < 4 || items.length % 2 !== 0) return undefined;
  const fields = new Map<string, Uint8Array>();
  for (let index = 2; index < items.length; index += 2) {
    fields.set(TEXT.decode(items[index]), items[index + 1] as Uint8Array);
  }
  return fields;
}

/** The record's dialable location, as one string ("" when it has none). */
function addressKey(fields: ReadonlyMap<string, Uint8Array>): string {
  let key = "";
  for (const name of ADDRESS_KEYS) {
    const value = fields.get(name);
    if (value !== undefined && value.length > 0) key += `${name}=${hex(value)};`;
  }
  return key;
}

function hex(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += byte.toString(16).padStart(2, "0");
  return text;
}
