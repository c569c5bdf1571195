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
  /** Left out by the cap. */
  overCap: number;
}

export interface ScreenedRecord {
  record: Uint8Array;
  /** The record's public key, as hex: one per identity, so one per peer id. */
  identity: string;
}

/**
 * Screens peer-exchange records before anything expensive is done with them: by reading their
 * fields only, without checking a signature. Offer records in a random order; the first `take`
 * that are well formed, of an identity not seen yet, on an address no earlier record named, are
 * chosen. A flood of fresh identities on a handful of ports thus collapses to one record per
 * port, and one bad record costs only itself (the SDK rejects the whole answer for it).
 *
 * @example
 * const screen = new RecordScreen(32, new Set());
 * for (const record of shuffled) screen.offer(record);
 * screen.chosen; // at most 32, to verify and use
 */
export class RecordScreen {
  readonly chosen: ScreenedRecord[] = [];
  readonly counts: ScreenCounts = { offered: 0, malformed: 0, duplicates: 0, sharedAddress: 0, overCap: 0 };
  readonly #take: number;
  readonly #taken: ReadonlySet<string>;
  readonly #identities = new Set<string>();
  readonly #addresses = new Set<string>();

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
    if (this.#addresses.has(address)) {
      this.counts.sharedAddress++;
      return;
    }
    this.#addresses.add(address);
    if (this.chosen.length >= this.#take) {
      this.counts.overCap++;
      return;
    }
    this.chosen.push({ record, identity: key });
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
