/**
 * Validation of a Fault that came from outside (an HTTP body, a CLI flag, a caller's
 * object): every field checked, unknown fields refused, so a typo never silently does nothing.
 */
import { MAX_PX_FLOOD_RECORDS } from "./node/px-flood.js";
import type { DropConnectionFault, Fault, PxFloodFault } from "./types.js";

/**
 * Validates a Fault; returns the fault (a fresh copy) or a message saying what is wrong.
 * `pxFlood: true` stands for `pxFlood: {}` (the defaults); `pxFlood: false` for no flood.
 *
 * @example
 * parseFault({ pxFlood: true });      // { pxFlood: {} }
 * parseFault({ latencyMs: -1 });      // "latencyMs must be an integer in 0..60000"
 */
export function parseFault(value: unknown): Fault | string {
  if (!isPlainRecord(value)) return "the fault must be a JSON object";
  const fault: Fault = {};
  for (const [key, field] of Object.entries(value)) {
    const problem = parseField(fault, key, field);
    if (problem) return problem;
  }
  return fault;
}

/** Sets `fault[key]` from `field`, or returns why it cannot. */
function parseField(fault: Fault, key: string, field: unknown): string | undefined {
  switch (key) {
    case "lightPushStatus":
    case "storeError":
      if (!isIntegerIn(field, 100, 599)) return `${key} must be an HTTP-like status code (100..599)`;
      fault[key] = field;
      return undefined;
    case "latencyMs":
    case "jitterMs":
      if (!isIntegerIn(field, 0, 60_000)) return `${key} must be an integer in 0..60000`;
      fault[key] = field;
      return undefined;
    case "wrongCluster":
      if (!isIntegerIn(field, 0, 65_535)) return "wrongCluster must be a cluster id (0..65535)";
      fault.wrongCluster = field;
      return undefined;
    case "filterSilent":
      if (typeof field !== "boolean") return "filterSilent must be a boolean";
      fault.filterSilent = field;
      return undefined;
    case "pxFlood": {
      const flood = parsePxFlood(field);
      if (typeof flood === "string") return flood;
      if (flood) fault.pxFlood = flood;
      return undefined;
    }
    case "dropConnection": {
      const drop = parseDropConnection(field);
      if (typeof drop === "string") return drop;
      fault.dropConnection = drop;
      return undefined;
    }
    default:
      return `unknown fault field ${JSON.stringify(key)}`;
  }
}

function parsePxFlood(field: unknown): PxFloodFault | undefined | string {
  if (field === true) return {};
  if (field === false) return undefined;
  if (!isPlainRecord(field)) return "pxFlood must be true, false or an object { records?, garbage? }";
  const flood: PxFloodFault = {};
  for (const [key, value] of Object.entries(field)) {
    if (key === "records") {
      if (!isIntegerIn(value, 1, MAX_PX_FLOOD_RECORDS)) return `pxFlood.records must be an integer in 1..${MAX_PX_FLOOD_RECORDS}`;
      flood.records = value;
    } else if (key === "garbage") {
      if (!isIntegerIn(value, 0, MAX_PX_FLOOD_RECORDS)) return `pxFlood.garbage must be an integer in 0..${MAX_PX_FLOOD_RECORDS}`;
      flood.garbage = value;
    } else {
      return `unknown pxFlood field ${JSON.stringify(key)}`;
    }
  }
  if (flood.garbage !== undefined && flood.records !== undefined && flood.garbage > flood.records) {
    return "pxFlood.garbage cannot exceed pxFlood.records";
  }
  return flood;
}

function parseDropConnection(field: unknown): DropConnectionFault | string {
  if (!isPlainRecord(field)) return "dropConnection must be an object { afterRequests?, probability? }";
  const drop: DropConnectionFault = {};
  for (const [key, value] of Object.entries(field)) {
    if (key === "afterRequests") {
      if (!isIntegerIn(value, 0, 1_000_000)) return "dropConnection.afterRequests must be an integer in 0..1000000";
      drop.afterRequests = value;
    } else if (key === "probability") {
      if (typeof value !== "number" || !(value >= 0 && value <= 1)) return "dropConnection.probability must be a number in 0..1";
      drop.probability = value;
    } else {
      return `unknown dropConnection field ${JSON.stringify(key)}`;
    }
  }
  if (drop.afterRequests === undefined && drop.probability === undefined) {
    return "dropConnection needs afterRequests or probability";
  }
  return drop;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}
