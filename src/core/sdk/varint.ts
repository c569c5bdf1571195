// Unsigned varints (LEB128), as protobuf and the varint length prefix of every Waku
// request/response frame use them.

/** A varint of a length below 2^35 takes at most this many bytes. */
export const MAX_LENGTH_VARINT_BYTES = 5;

/**
 * Reads the varint at `offset` (before `end`): its value and where the next field starts,
 * `undefined` while more bytes are needed, `"invalid"` when it runs over `maxBytes`.
 *
 * @example
 * readVarint(Uint8Array.of(0xac, 0x02), 0, 2); // { value: 300, next: 2 }
 */
export function readVarint(
  bytes: Uint8Array,
  offset: number,
  end: number,
  maxBytes = MAX_LENGTH_VARINT_BYTES,
): { value: number; next: number } | "invalid" | undefined {
  let value = 0;
  let scale = 1;
  for (let index = offset; index < end; index++) {
    if (index - offset >= maxBytes) return "invalid";
    const byte = bytes[index] as number;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return { value, next: index + 1 };
    scale *= 0x80;
  }
  return undefined;
}

/**
 * The varint of a non-negative integer, as bytes.
 *
 * @example
 * encodeVarint(300); // [0xac, 0x02]
 */
export function encodeVarint(value: number): number[] {
  const bytes: number[] = [];
  let remaining = Math.max(0, Math.floor(value));
  while (remaining >= 0x80) {
    bytes.push((remaining % 0x80) | 0x80);
    remaining = Math.floor(remaining / 0x80);
  }
  bytes.push(remaining);
  return bytes;
}
