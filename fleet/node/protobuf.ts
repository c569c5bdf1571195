/**
 * Just enough protobuf writing for fields @waku/proto does not know yet (peer exchange's
 * status, see peer-exchange.ts). Decoders skip fields they do not know, so adding them is
 * safe for older clients.
 */
import { concatBytes } from "./bytes.js";
import { encodeVarint } from "./frames.js";

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;

/**
 * A length-delimited field (bytes, string, embedded message).
 *
 * @example
 * bytesField(1, Uint8Array.of(7)); // Uint8Array [0x0a, 0x01, 0x07]
 */
export function bytesField(fieldNumber: number, value: Uint8Array): Uint8Array {
  return concatBytes([encodeVarint(fieldNumber * 8 + WIRE_LENGTH_DELIMITED), encodeVarint(value.length), value]);
}

/**
 * A varint field (uint32, uint64, enum, bool).
 *
 * @example
 * varintField(10, 200); // Uint8Array [0x50, 0xc8, 0x01]
 */
export function varintField(fieldNumber: number, value: number): Uint8Array {
  return concatBytes([encodeVarint(fieldNumber * 8 + WIRE_VARINT), encodeVarint(value)]);
}
