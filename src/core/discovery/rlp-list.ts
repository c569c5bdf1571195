// Recursive Length Prefix (Ethereum yellow paper, appendix B), the container of an ENR
// (EIP-778): just enough to read a record's fields without checking its signature, so a flood
// can be screened for the price of a byte walk instead of a secp256k1 verification per record.

/**
 * The items of an RLP list whose items are all byte strings (the shape of an ENR), as views into
 * `bytes`; `undefined` for anything else: not a list, trailing bytes, a nested list, a length
 * running past the end, a non-canonical length.
 *
 * @example
 * decodeRlpByteStrings(Uint8Array.of(0xc2, 0x01, 0x02)); // [Uint8Array [1], Uint8Array [2]]
 */
export function decodeRlpByteStrings(bytes: Uint8Array): Uint8Array[] | undefined {
  const list = readHeader(bytes, 0);
  if (list === undefined || !list.isList || list.end !== bytes.length) return undefined;
  const items: Uint8Array[] = [];
  let offset = list.start;
  while (offset < list.end) {
    const item = readHeader(bytes, offset);
    if (item === undefined || item.isList || item.end > list.end) return undefined;
    items.push(bytes.subarray(item.start, item.end));
    offset = item.end;
  }
  return items;
}

interface Header {
  isList: boolean;
  /** Where the payload starts and ends. */
  start: number;
  end: number;
}

function readHeader(bytes: Uint8Array, offset: number): Header | undefined {
  const first = bytes[offset];
  if (first === undefined) return undefined;
  if (first < 0x80) return { isList: false, start: offset, end: offset + 1 };
  const isList = first >= 0xc0;
  const base = isList ? 0xc0 : 0x80;
  const short = first - base;
  if (short <= 55) return bounded(bytes, { isList, start: offset + 1, end: offset + 1 + short });
  const lengthBytes = short - 55;
  // ENRs are at most 300 bytes: a length needing more than 2 bytes is not one.
  if (lengthBytes > 2 || offset + 1 + lengthBytes > bytes.length || bytes[offset + 1] === 0) return undefined;
  let length = 0;
  for (let index = 0; index < lengthBytes; index++) length = length * 256 + (bytes[offset + 1 + index] as number);
  if (length <= 55) return undefined;
  const start = offset + 1 + lengthBytes;
  return bounded(bytes, { isList, start, end: start + length });
}

function bounded(bytes: Uint8Array, header: Header): Header | undefined {
  return header.end <= bytes.length ? header : undefined;
}
