/**
 * Varint-length-prefixed frames, the framing every Waku request/response protocol uses
 * (the client side is it-length-prefixed in @waku/core). Written here, a few lines long,
 * so the service node depends only on packages the project declares.
 *
 * Reading is linear in the frame's size: chunks are kept as they arrive and joined once,
 * when the frame is complete. (Joining on every chunk cost a 4 MiB frame sent in 1 KiB
 * chunks about 6.8 s of CPU and stalled every other client of the node.)
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

/**
 * The unsigned varint (LEB128) of a non-negative integer.
 *
 * @example
 * encodeVarint(300); // Uint8Array [0xac, 0x02]
 */
export function encodeVarint(value: number): Uint8Array {
  const bytes: number[] = [];
  let remaining = value;
  while (remaining >= 0x80) {
    bytes.push((remaining & 0x7f) | 0x80);
    remaining = Math.floor(remaining / 0x80);
  }
  bytes.push(remaining);
  return Uint8Array.from(bytes);
}

/**
 * One frame: the payload's length as a varint, then the payload.
 *
 * @example
 * encodeFrame(new Uint8Array([1, 2])); // Uint8Array [2, 1, 2]
 */
export function encodeFrame(payload: Uint8Array): Uint8Array {
  const prefix = encodeVarint(payload.length);
  const frame = new Uint8Array(prefix.length + payload.length);
  frame.set(prefix, 0);
  frame.set(payload, prefix.length);
  return frame;
}

/** What the first frame of a stream turned out to be. */
export type FirstFrame =
  /** A complete frame; anything after it is discarded while `remoteClosed` waits for the remote to close. */
  | { kind: "frame"; frame: Uint8Array; remoteClosed: Promise<void> }
  /** The remote closed its side without sending a byte (an unused pre-opened stream). */
  | { kind: "empty" }
  /** The remote closed its side in the middle of the frame. */
  | { kind: "truncated"; receivedBytes: number }
  /** The length prefix announces more than allowed; the rest is being discarded, see `remoteClosed`. */
  | { kind: "too-large"; declaredBytes: number; remoteClosed: Promise<void> }
  /** The length prefix is longer than any allowed length can be; the rest is being discarded. */
  | { kind: "bad-prefix"; remoteClosed: Promise<void> };

export interface ReadFrameOptions {
  /** Largest payload accepted. Default MAX_FRAME_BYTES. */
  maxBytes?: number;
  /** Called whenever a chunk arrives, e.g. to push an idle deadline back. */
  onChunk?: () => void;
}

/**
 * Reads the first frame of a stream and classifies it. Never times out by itself: the SDK
 * pre-opens an idle stream per codec, which may wait minutes before its request comes
 * (callers that want a deadline abort the stream, which ends the read with an error).
 *
 * @example
 * const first = await readFirstFrame(stream, { maxBytes: 64 * 1024 });
 * if (first.kind === "frame") handle(first.frame);
 */
export async function readFirstFrame(stream: Stream, options: ReadFrameOptions = {}): Promise<FirstFrame> {
  const maxBytes = options.maxBytes ?? MAX_FRAME_BYTES;
  const chunks = stream.source[Symbol.asyncIterator]();
  const buffer = new ChunkBuffer();
  for (;;) {
    const next = await chunks.next();
    if (next.done) return buffer.length === 0 ? { kind: "empty" } : { kind: "truncated", receivedBytes: buffer.length };
    options.onChunk?.();
    buffer.push(next.value.subarray());
    const header = buffer.lengthPrefix();
    if (header === "too-long") return { kind: "bad-prefix", remoteClosed: drain(chunks, options.onChunk) };
    if (header === undefined) continue;
    if (header.length > maxBytes) {
      return { kind: "too-large", declaredBytes: header.length, remoteClosed: drain(chunks, options.onChunk) };
    }
    if (buffer.length >= header.prefixBytes + header.length) {
      return {
        kind: "frame",
        frame: buffer.slice(header.prefixBytes, header.length),
        remoteClosed: drain(chunks, options.onChunk),
      };
    }
  }
}

export interface IncomingFrame {
  /** Undefined when the remote closed without sending a byte. */
  frame: Uint8Array | undefined;
  /** Settles when the remote has closed its write side (anything after the frame is discarded). */
  remoteClosed: Promise<void>;
}

/**
 * Reads the first frame of a stream, throwing on anything but a complete frame or an empty
 * stream — the strict form clients use for replies.
 *
 * @example
 * const { frame, remoteClosed } = await readFrame(stream);
 * await remoteClosed;
 */
export async function readFrame(stream: Stream, maxBytes = MAX_FRAME_BYTES): Promise<IncomingFrame> {
  const first = await readFirstFrame(stream, { maxBytes });
  switch (first.kind) {
    case "frame":
      return { frame: first.frame, remoteClosed: first.remoteClosed };
    case "empty":
      return { frame: undefined, remoteClosed: Promise.resolve() };
    case "truncated":
      throw new Error("stream ended in the middle of a frame");
    case "too-large":
      throw new Error(`frame of ${first.declaredBytes} bytes exceeds ${maxBytes}`);
    case "bad-prefix":
      throw new Error("frame length prefix too long");
  }
}

/** Chunks as they arrived, joined only when asked for a slice. */
class ChunkBuffer {
  readonly #chunks: Uint8Array[] = [];
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  /** The varint at the start, read across chunks; undefined while it is incomplete. */
  lengthPrefix(): { length: number; prefixBytes: number } | "too-long" | undefined {
    let length = 0;
    let multiplier = 1;
    let index = 0;
    for (const chunk of this.#chunks) {
      for (const byte of chunk) {
        if (index >= MAX_VARINT_BYTES) return "too-long";
        length += (byte & 0x7f) * multiplier;
        index++;
        if ((byte & 0x80) === 0) return { length, prefixBytes: index };
        multiplier *= 0x80;
      }
    }
    return undefined;
  }

  /** A copy of `length` bytes starting at `offset`, in one pass over the chunks. */
  slice(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let skip = offset;
    let written = 0;
    for (const chunk of this.#chunks) {
      if (written === length) break;
      if (skip >= chunk.length) {
        skip -= chunk.length;
        continue;
      }
      const part = chunk.subarray(skip, skip + length - written);
      out.set(part, written);
      written += part.length;
      skip = 0;
    }
    return out;
  }
}

async function drain(chunks: AsyncIterator<unknown>, onChunk?: () => void): Promise<void> {
  try {
    while (!(await chunks.next()).done) {
      // Discarded: every Waku protocol sends one message per stream.
      onChunk?.();
    }
  } catch {
    // A reset stream is closed too.
  }
}

/** Writes one frame and closes our write side; the read side is left to the remote. */
export async function writeFrame(stream: Stream, payload: Uint8Array): Promise<void> {
  await stream.sink([encodeFrame(payload)]);
}
