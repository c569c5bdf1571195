/**
 * Recursive Length Prefix encoding (Ethereum yellow paper, appendix B), the container
 * format of an ENR. Only encoding is needed here; @waku/enr decodes.
 */
import { concatBytes } from "./bytes.js";

export type RlpItem = Uint8Array | readonly RlpItem[];

export function rlpEncode(item: RlpItem): Uint8Array {
  if (item instanceof Uint8Array) {
    if (item.length === 1 && (item[0] as number) < 0x80) return item;
    return withHeader(0x80, item);
  }
  return withHeader(0xc0, concatBytes((item as readonly RlpItem[]).map(rlpEncode)));
}

/** `offset` is 0x80 for byte strings and 0xc0 for lists. */
function withHeader(offset: number, payload: Uint8Array): Uint8Array {
  if (payload.length <= 55) return concatBytes([Uint8Array.of(offset + payload.length), payload]);
  const length = bigEndian(payload.length);
  return concatBytes([Uint8Array.of(offset + 55 + length.length), length, payload]);
}

/** Minimal big-endian bytes of a non-negative integer (empty for 0). */
export function bigEndian(value: number | bigint): Uint8Array {
  const bytes: number[] = [];
  let remaining = BigInt(value);
  while (remaining > 0n) {
    bytes.unshift(Number(remaining & 0xffn));
    remaining >>= 8n;
  }
  return Uint8Array.from(bytes);
}
