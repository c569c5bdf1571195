// The peer-exchange wire format (`/vac/waku/peer-exchange/2.0.0-alpha1`), read by hand: a
// varint-length-prefixed protobuf `PeerExchangeRPC { query (1) { numPeers (1) }, response (2)
// { peerInfos (1) [{ enr (1) }] } }`. Written here, a few dozen lines, so that an answer can be
// walked without decoding it: the records are only sliced out, never copied, and a cut-off
// answer still yields every record that arrived whole.
import { encodeVarint, readVarint } from "../sdk/varint.js";

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

/**
 * The request frame for `numPeers` records, ready to write to a stream.
 *
 * @example
 * await stream.sink([peerExchangeQueryFrame(60)]);
 */
export function peerExchangeQueryFrame(numPeers: number): Uint8Array {
  const query = [0x08, ...encodeVarint(numPeers)];
  const message = [0x0a, ...encodeVarint(query.length), ...query];
  return Uint8Array.from([...encodeVarint(message.length), ...message]);
}

/** The records of an answer, as views into its bytes. */
export interface AnswerRecords {
  records: Uint8Array[];
  /** Some bytes could not be walked: a cut-off answer, a record over `maxRecords`, or bytes that are no protobuf. */
  incomplete: boolean;
}

/**
 * The ENR byte strings of a peer-exchange answer (the payload of its frame), at most
 * `maxRecords`. Unknown fields are skipped (nwaku adds a status code and text); a message cut
 * off part-way gives the records before the cut.
 *
 * @example
 * const { records } = answerRecords(payload, 10_000);
 */
export function answerRecords(message: Uint8Array, maxRecords: number): AnswerRecords {
  const records: Uint8Array[] = [];
  let incomplete = false;
  const responses = bytesFields(message, 2);
  incomplete ||= responses.incomplete;
  for (const response of responses.values) {
    const infos = bytesFields(response, 1);
    incomplete ||= infos.incomplete;
    for (const info of infos.values) {
      const enr = bytesFields(info, 1);
      incomplete ||= enr.incomplete;
      const record = enr.values[0];
      // A record cut off by the end of what arrived is no record.
      if (record === undefined || enr.incomplete) continue;
      if (records.length >= maxRecords) return { records, incomplete: true };
      records.push(record);
    }
  }
  return { records, incomplete };
}

/**
 * Every length-delimited field `field` of a protobuf message. A field whose declared length runs
 * past the end is cut to what is there (the rest of the message never arrived), and walking stops.
 */
function bytesFields(message: Uint8Array, field: number): { values: Uint8Array[]; incomplete: boolean } {
  const values: Uint8Array[] = [];
  let offset = 0;
  while (offset < message.length) {
    const key = readVarint(message, offset, message.length);
    if (key === undefined || key === "invalid") return { values, incomplete: true };
    offset = key.next;
    const wireType = key.value % 8;
    const number = Math.floor(key.value / 8);
    if (wireType === WIRE_BYTES) {
      const length = readVarint(message, offset, message.length);
      if (length === undefined || length === "invalid") return { values, incomplete: true };
      const end = length.next + length.value;
      if (number === field) values.push(message.subarray(length.next, Math.min(end, message.length)));
      if (end > message.length) return { values, incomplete: true };
      offset = end;
    } else {
      const next = skipScalar(message, offset, wireType);
      if (next === undefined) return { values, incomplete: true };
      offset = next;
    }
  }
  return { values, incomplete: false };
}

function skipScalar(message: Uint8Array, offset: number, wireType: number): number | undefined {
  if (wireType === WIRE_VARINT) {
    const value = readVarint(message, offset, message.length, 10);
    return value === undefined || value === "invalid" ? undefined : value.next;
  }
  const width = wireType === WIRE_FIXED64 ? 8 : wireType === WIRE_FIXED32 ? 4 : undefined;
  return width === undefined || offset + width > message.length ? undefined : offset + width;
}
