/**
 * Structural comparison and copying of option trees (node options, peer manager options).
 *
 * Apps pass inline objects, so identity says nothing about whether options changed. Plain
 * objects, arrays and byte arrays are compared and copied by content; anything else
 * (functions such as libp2p discovery factories, class instances such as a peer cache) is
 * opaque: compared by identity and shared, never copied, because copying would cut it off
 * from its own state.
 */

export interface StructuralEqualityOptions {
  /** Treat any two functions as equal (used to explain a change, never to decide one). */
  ignoreFunctionIdentity?: boolean;
}

export function structurallyEqual(a: unknown, b: unknown, options: StructuralEqualityOptions = {}): boolean {
  return equal(a, b, options, new Map());
}

export function cloneStructure<T>(value: T): T {
  return clone(value, new Map()) as T;
}

function equal(a: unknown, b: unknown, options: StructuralEqualityOptions, visiting: Map<object, object>): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a === "function" && typeof b === "function") return options.ignoreFunctionIdentity === true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  // A cycle already under comparison: the outer frame decides.
  if (visiting.get(a) === b) return true;

  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && bytesEqual(a, b);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    visiting.set(a, b);
    return a.every((item, index) => equal(item, b[index], options, visiting));
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;

  visiting.set(a, b);
  // `{ x: undefined }` and `{}` configure the same thing.
  const keys = new Set([...definedKeys(a), ...definedKeys(b)]);
  for (const key of keys) {
    if (!equal(a[key], b[key], options, visiting)) return false;
  }
  return true;
}

function clone(value: unknown, copies: Map<object, unknown>): unknown {
  if (typeof value !== "object" || value === null) return value;
  const existing = copies.get(value);
  if (existing !== undefined) return existing;

  if (value instanceof Uint8Array) return value.slice();
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    copies.set(value, copy);
    for (const item of value) copy.push(clone(item, copies));
    return copy;
  }
  if (!isPlainObject(value)) return value;

  const copy: Record<string, unknown> = Object.create(Object.getPrototypeOf(value) as object | null);
  copies.set(value, copy);
  for (const key of Object.keys(value)) copy[key] = clone(value[key], copies);
  return copy;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function definedKeys(value: Record<string, unknown>): string[] {
  return Object.keys(value).filter((key) => value[key] !== undefined);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) {
    if (a[index] !== b[index]) return false;
  }
  return true;
}
