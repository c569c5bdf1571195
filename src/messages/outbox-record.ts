/**
 * One outbox message as persisted: the status fields the UI shows plus the wire bytes every
 * attempt sends. Written as plain JSON (bytes as base64) so IndexedDB, localStorage and memory
 * hold the same thing; read back through `parseOutboxRecord`, which turns anything malformed into
 * `undefined` — garbage in storage is ignored, never thrown.
 */
import type { OutboxItem, SendStatus } from "./types.js";

export interface OutboxRecord extends OutboxItem {
  /** `WakuMessage` protobuf, encoded once at enqueue. */
  readonly wire: Uint8Array;
}

const FORMAT_VERSION = 1;
const STATUSES: readonly SendStatus[] = ["queued", "sending", "sent", "confirmed", "failed", "expired"];

export function recordKey(outboxKey: string, id: string): string {
  return `${recordPrefix(outboxKey)}${id}`;
}

export function recordPrefix(outboxKey: string): string {
  return `waku-peers:outbox:v${FORMAT_VERSION}:${outboxKey}:`;
}

export function serializeRecord(record: OutboxRecord): Record<string, unknown> {
  const { wire, ...item } = record;
  return { v: FORMAT_VERSION, ...item, wire: bytesToBase64(wire) };
}

export function parseOutboxRecord(stored: unknown): OutboxRecord | undefined {
  if (typeof stored !== "object" || stored === null) return undefined;
  const value = stored as Record<string, unknown>;
  if (value.v !== FORMAT_VERSION) return undefined;
  const { id, hash, contentTopic, pubsubTopic, status, createdAt, bytes, attempts, wire } = value;
  if (typeof id !== "string" || id.length === 0) return undefined;
  if (typeof hash !== "string" || !/^[0-9a-f]{64}$/.test(hash)) return undefined;
  if (typeof contentTopic !== "string" || typeof pubsubTopic !== "string") return undefined;
  if (typeof status !== "string" || !(STATUSES as readonly string[]).includes(status)) return undefined;
  if (!isTime(createdAt) || !isCount(bytes) || !isCount(attempts) || typeof wire !== "string") return undefined;
  const decoded = base64ToBytes(wire);
  if (decoded === undefined || decoded.length !== bytes) return undefined;
  return {
    id,
    hash,
    contentTopic,
    pubsubTopic,
    // A message that was being sent when the page went away is simply queued again.
    status: status === "sending" ? "queued" : (status as SendStatus),
    createdAt,
    bytes,
    attempts,
    lastError: typeof value.lastError === "string" ? value.lastError : undefined,
    nextAttemptAt: undefined,
    sentTo: typeof value.sentTo === "string" ? value.sentTo : undefined,
    sentAt: isTime(value.sentAt) ? value.sentAt : undefined,
    confirmedAt: isTime(value.confirmedAt) ? value.confirmedAt : undefined,
    wire: decoded,
  };
}

function isTime(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value > 0;
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let index = 0; index < bytes.length; index += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
  }
  return btoa(binary);
}

function base64ToBytes(text: string): Uint8Array | undefined {
  try {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
    return bytes;
  } catch {
    return undefined;
  }
}
