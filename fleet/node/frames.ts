/**
 * Varint-length-prefixed frames, the framing every Waku request/response protocol uses
 * (the client side is it-length-prefixed in @waku/core). Written here, a few lines long,
 * so the service node depends only on packages the project declares.
 *
 * Trap: mplex forgets a stream once both of its ends are closed locally, and a peer that
 * then receives a message for a forgotten stream more than 5 times a second drops the
 * whole connection ("Too many messages for missing streams"). So a reader keeps its read
 * side open until the remote closes its write side, instead of ending it early.
 */
import type { Stream } from "@libp2p/interface";

/** it-length-prefixed's default limit, which the SDK applies to every reply it decodes. */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;

/** A varint length below 2^35 takes at most this many bytes. */
const MAX_VARINT_BYTES = 5;

export function encodeFrame(payload: Uint8Array): Uint8Array {
  const prefix: number[] = [];
  let remaining = payload.length;
  while (remaining >= 0x80) {
    prefix.push((remaining & 0x7f) | 0x80);
    remaining = Math.floor(remaining / 0x80);
  }
  prefix.push(remaining);
  const frame = new Uint8Array(prefix.length + payload.length);
  frame.set(prefix, 0);
  frame.set(payload, prefix.length);
  return frame;
}

/** Length and prefix size of a frame starting in `bytes`, or undefined while the prefix is incomplete. */
function decodeLength(bytes: Uint8Array): { length: number; prefixBytes: number } | undefined {
  let length = 0;
  let multiplier = 1;
  for (let index = 0; index < bytes.length; index++) {
    if (index >= MAX_VARINT_BYTES) throw new Error("frame length prefix too long");
    const byte = bytes[index] as number;
    length += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) return { length, prefixBytes: index + 1 };
    multiplier *= 0x80;
  }
  return undefined;
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}

export interface IncomingFrame {
  /** Undefined when the remote closed without sending a byte. */
  frame: Uint8Array | undefined;
  /** Settles when the remote has closed its write side (anything after the frame is discarded). */
  remoteClosed: Promise<void>;
}

/**
 * Reads the first frame of a stream. Never times out on purpose: the SDK pre-opens an
 * idle stream per codec, which may wait minutes before its request comes (and some are
 * closed unused, which gives an undefined frame).
 */
export async function readFrame(stream: Stream, maxBytes = MAX_FRAME_BYTES): Promise<IncomingFrame> {
  const chunks = stream.source[Symbol.asyncIterator]();
  let buffered: Uint8Array = new Uint8Array(0);
  for (;;) {
    const next = await chunks.next();
    if (next.done) {
      if (buffered.length > 0) throw new Error("stream ended in the middle of a frame");
      return { frame: undefined, remoteClosed: Promise.resolve() };
    }
    buffered = concatBytes(buffered, next.value.subarray());
    const header = decodeLength(buffered);
    if (header === undefined) continue;
    if (header.length > maxBytes) throw new Error(`frame of ${header.length} bytes exceeds ${maxBytes}`);
    const end = header.prefixBytes + header.length;
    if (buffered.length >= end) {
      return { frame: buffered.slice(header.prefixBytes, end), remoteClosed: drain(chunks) };
    }
  }
}

async function drain(chunks: AsyncIterator<unknown>): Promise<void> {
  try {
    while (!(await chunks.next()).done) {
      // Discarded: every Waku protocol sends one message per stream.
    }
  } catch {
    // A reset stream is closed too.
  }
}

/** Writes one frame and closes our write side; the read side is left to the remote. */
export async function writeFrame(stream: Stream, payload: Uint8Array): Promise<void> {
  await stream.sink([encodeFrame(payload)]);
}
